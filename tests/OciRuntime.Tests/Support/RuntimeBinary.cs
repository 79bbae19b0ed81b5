using System.Diagnostics;
using System.Text;

namespace OciRuntime.Tests.Support;

/// <summary>The result of one ocirun invocation.</summary>
public sealed record RunResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs the ocirun binary under test (OCIRUN_UNDER_TEST, or out/ocirun of this checkout).</summary>
public static class RuntimeBinary
{
    public static string RepoRoot { get; } = FindRepo();

    public static string Path { get; } =
        Environment.GetEnvironmentVariable("OCIRUN_UNDER_TEST") is { Length: > 0 } p ? p : System.IO.Path.Join(RepoRoot, "out", "ocirun");

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Join(d.FullName, "OciRuntime.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (OciRuntime.sln)");
    }

    public static RunResult Run(IEnumerable<string> args, string? stdin = null, int timeoutMs = 30_000,
        IDictionary<string, string>? env = null, string? workingDir = null)
    {
        var psi = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = workingDir ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.Append(e.Data).Append('\n'); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.Append(e.Data).Append('\n'); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(true);
            throw new TimeoutException($"ocirun {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        p.WaitForExit();
        return new RunResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}
