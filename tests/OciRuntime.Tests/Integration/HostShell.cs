using System.Diagnostics;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// Runs a host shell script (for what RuntimeBinary.Run cannot do: descriptors opened for ocirun, a pty from
/// script(1), input typed later). stdout and stderr go to files: a container may hold them open.
/// $OCI is ocirun under test with the sandbox's --root.
/// </summary>
internal static class HostShell
{
    public static RunResult Run(Sandbox s, string script, int timeoutMs = 30_000, IDictionary<string, string>? env = null)
    {
        string outFile = Path.GetTempFileName(), errFile = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"exec >\"$OCIRUN_TEST_OUT\" 2>\"$OCIRUN_TEST_ERR\" </dev/null\n{script}");
            psi.Environment["OCIRUN_TEST_OUT"] = outFile;
            psi.Environment["OCIRUN_TEST_ERR"] = errFile;
            psi.Environment["OCI"] = $"{RuntimeBinary.Path} --root {s.Root}";
            if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            if (!p.WaitForExit(timeoutMs))
            {
                p.Kill(true);
                throw new TimeoutException($"host script did not finish in {timeoutMs} ms: {script}\nstdout: {File.ReadAllText(outFile)}\nstderr: {File.ReadAllText(errFile)}");
            }
            return new RunResult(p.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }

    /// <summary>Single-quotes <paramref name="s"/> for the shell.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public static IEnumerable<string> Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim('\r', ' '));

    public static void WaitFor(Func<bool> condition, int timeoutMs = 10_000)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.ElapsedMilliseconds > timeoutMs) throw new TimeoutException("condition not met in time");
            Thread.Sleep(50);
        }
    }
}
