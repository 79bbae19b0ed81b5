namespace OciRuntime.Cli;

/// <summary>runc's global flags.</summary>
internal sealed record GlobalOptions(string Root, string? Log, string LogFormat, bool Debug, bool SystemdCgroup)
{
    public bool Trace => Debug || PhaseTimer.FromEnvironment();
}
