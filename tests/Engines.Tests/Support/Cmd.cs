using System.Diagnostics;

namespace Engines.Tests.Support;

/// <summary>What a client command printed and how it exited.</summary>
public sealed record CmdResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
}

/// <summary>Runs engine clients (ctr, podman, docker) and waits for them with a deadline.</summary>
public static class Cmd
{
    /// <summary>
    /// Output goes to files, not pipes: a daemon or shim started by the command can inherit the descriptors and
    /// keep a pipe open long after the client exited.
    /// </summary>
    public static CmdResult Run(string file, IEnumerable<string> args, int timeoutMs = 60_000,
        IDictionary<string, string>? env = null, string? stdin = null)
    {
        string outFile = Path.GetTempFileName(), errFile = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/bin/sh") { RedirectStandardInput = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$OCIRUN_T_OUT\" 2>\"$OCIRUN_T_ERR\"");
            psi.ArgumentList.Add(file);
            foreach (var a in args) psi.ArgumentList.Add(a);
            psi.Environment["OCIRUN_T_OUT"] = outFile;
            psi.Environment["OCIRUN_T_ERR"] = errFile;
            if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
            using var p = Process.Start(psi)!;
            if (stdin is not null) p.StandardInput.Write(stdin);
            p.StandardInput.Close();
            if (!p.WaitForExit(timeoutMs))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.WaitForExit();
                return new CmdResult(-1, File.ReadAllText(outFile), File.ReadAllText(errFile) + $"\n(timed out after {timeoutMs} ms)");
            }
            return new CmdResult(p.ExitCode, File.ReadAllText(outFile), File.ReadAllText(errFile));
        }
        finally
        {
            File.Delete(outFile);
            File.Delete(errFile);
        }
    }

    /// <summary>Runs and insists on exit 0; the exception carries the whole output.</summary>
    public static CmdResult Ok(string file, IEnumerable<string> args, int timeoutMs = 60_000, IDictionary<string, string>? env = null)
    {
        var r = Run(file, args, timeoutMs, env);
        if (r.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary>Polls until the condition holds or the deadline passes.</summary>
    public static bool WaitFor(Func<bool> condition, int timeoutMs = 20_000, int stepMs = 50)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            if (condition()) return true;
            Thread.Sleep(stepMs);
        }
        return condition();
    }
}
