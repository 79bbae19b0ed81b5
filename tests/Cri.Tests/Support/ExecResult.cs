namespace Cri.Tests.Support;

/// <summary>What an exec printed and how it exited (ExecSync or a streaming Exec).</summary>
public sealed record ExecResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}
