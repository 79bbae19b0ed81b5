namespace OciRuntime.Launch.Setup;

/// <summary>Compiles the mount family's part of the setup program (see SetupCompiler for the order).</summary>
internal static class MountCompiler
{
    internal static void PrepareRoot(SetupContext c) => throw new NotCompiled("mount: PrepareRoot");

    internal static void Mounts(SetupContext c) => throw new NotCompiled("mount: Mounts");

    internal static void MountsWithoutNamespace(SetupContext c) => throw new NotCompiled("mount: MountsWithoutNamespace");

    internal static void Root(SetupContext c) => throw new NotCompiled("mount: Root");

    internal static void FinishRoot(SetupContext c) => throw new NotCompiled("mount: FinishRoot");
}
