namespace OciRuntime.Launch.Setup;

/// <summary>Compiles the process family's part of the setup program (see SetupCompiler for the order).</summary>
internal static class ProcessCompiler
{
    internal static void OomScore(SetupContext c) => throw new NotCompiled("process: OomScore");

    internal static void SysctlAndNames(SetupContext c) => throw new NotCompiled("process: SysctlAndNames");

    internal static void Finish(SetupContext c) => throw new NotCompiled("process: Finish");

    internal static void ExecUser(SetupContext c) => throw new NotCompiled("process: ExecUser");

    internal static void Exec(SetupContext c) => throw new NotCompiled("process: Exec");
}
