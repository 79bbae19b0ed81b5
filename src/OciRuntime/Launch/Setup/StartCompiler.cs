namespace OciRuntime.Launch.Setup;

/// <summary>Compiles the start family's part of the setup program (see SetupCompiler for the order).</summary>
internal static class StartCompiler
{
    internal static void CreateContainerHooks(SetupContext c) => throw new NotCompiled("start: CreateContainerHooks");

    internal static void GateAndExec(SetupContext c) => throw new NotCompiled("start: GateAndExec");

    internal static void Console(SetupContext c, bool bindConsole) => throw new NotCompiled("start: Console");
}
