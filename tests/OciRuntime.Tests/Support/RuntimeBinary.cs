using System.Diagnostics;

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

    /// <summary>
    /// Runs ocirun with stdout and stderr going to files, not pipes: a container created by the command inherits
    /// them and keeps them open, so waiting for end-of-file on a pipe would wait for the container.
    /// </summary>
    public static RunResult Run(IEnumerable<string> args, string? stdin = null, int timeoutMs = 30_000,
        IDictionary<string, string>? env = null, string? workingDir = null, string? binary = null)
    {
        string outFile = System.IO.Path.GetTempFileName(), errFile = System.IO.Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/bin/sh")
            {
                RedirectStandardInput = true, UseShellExecute = false,
                WorkingDirectory = workingDir ?? Environment.CurrentDirectory,
            };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$OCIRUN_TEST_OUT\" 2>\"$OCIRUN_TEST_ERR\"");
            psi.ArgumentList.Add(binary ?? Path);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["OCIRUN_TEST_OUT"] = outFile;
            psi.Environment["OCIRUN_TEST_ERR"] = errFile;
            if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
            using var p = Process.Start(psi)!;
            if (stdin is not null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            if (!p.WaitForExit(timeoutMs))
            {
                p.Kill(true);
                throw new TimeoutException($"ocirun {string.Join(' ', args)} did not finish in {timeoutMs} ms");
            }
            return new RunResult(p.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }
}
