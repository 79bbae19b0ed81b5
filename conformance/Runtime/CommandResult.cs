namespace Conformance.Runtime;

/// <summary>What one invocation of the runtime produced.</summary>
public sealed record CommandResult(string[] Args, int ExitCode, string Stdout, string Stderr, bool TimedOut, string StdoutPath = "")
{
    public bool Succeeded => ExitCode == 0 && !TimedOut;

    /// <summary>
    /// The command's stdout file read again now: after `create` the container keeps
    /// writing to the stdout it inherited from the runtime.
    /// </summary>
    public string StdoutNow() => File.Exists(StdoutPath) ? File.ReadAllText(StdoutPath) : "";

    /// <summary>For assertion messages: enough to see what ran and what the runtime said.</summary>
    public override string ToString() =>
        $"`{string.Join(' ', Args)}` exited {(TimedOut ? "(timed out)" : ExitCode.ToString())}\n" +
        $"stdout: {Clip(Stdout)}\nstderr: {Clip(Stderr)}";

    static string Clip(string s) => s.Length > 2000 ? s[..2000] + "..." : s;
}
