namespace OciRuntime.Launch.Setup;

/// <summary>Compiles the path family's part of the setup program (see SetupCompiler for the order).</summary>
internal static class PathCompiler
{
    internal static void Dev(SetupContext c) => throw new NotCompiled("path: Dev");

    internal static void ReadOnlyPaths(SetupContext c) => throw new NotCompiled("path: ReadOnlyPaths");

    internal static void MaskedPaths(SetupContext c) => throw new NotCompiled("path: MaskedPaths");
}
