namespace Conformance.Runtime;

/// <summary>What one invocation of the runtime produced.</summary>
public sealed record CommandResult(string[] Args, int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>For assertion messages: enough to see what ran and what the runtime said.</summary>
    public override string ToString() =>
        $"`{string.Join(' ', Args)}` exited {(TimedOut ? "(timed out)" : ExitCode.ToString())}\n" +
        $"stdout: {Clip(Stdout)}\nstderr: {Clip(Stderr)}";

    static string Clip(string s) => s.Length > 2000 ? s[..2000] + "..." : s;
}
