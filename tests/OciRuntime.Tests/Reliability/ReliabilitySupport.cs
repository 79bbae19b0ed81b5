using System.Diagnostics;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Reliability;

/// <summary>The reliability tests run one at a time: they count ocirun's container processes host-wide and load the machine.</summary>
[CollectionDefinition("Reliability", DisableParallelization = true)]
public sealed class ReliabilityCollection;

internal static class Rel
{
    /// <summary>Pids of ocirun's own processes in containers: a container's process still running its setup program
    /// (a clone of the CLI the zone names ocirun:setup, titled "ocirun setup"), or --init's pid 1 (ocirun:init).</summary>
    public static HashSet<int> InitProcesses()
    {
        var set = new HashSet<int>();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out int pid)) continue;
            try
            {
                // The names the zone gives (SetupCompiler.ProcessName, ReaperRoutine), which a user process cannot
                // take by accident; a zombie keeps its name but runs nothing.
                if (File.ReadAllText(Path.Join(proc, "comm")).Trim() is "ocirun:setup" or "ocirun:init" && !IsZombie(proc)) set.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return set;
    }

    /// <summary>A zombie keeps its name (comm) but no command line: killed and not yet reaped, it runs nothing.</summary>
    private static bool IsZombie(string proc)
    {
        string stat = File.ReadAllText(Path.Join(proc, "stat"));
        int close = stat.LastIndexOf(')');
        return close > 0 && close + 2 < stat.Length && stat[close + 2] is 'Z' or 'X';
    }

    /// <summary>Such processes that were not there before, after giving orphans a moment to notice.</summary>
    public static List<int> NewInits(HashSet<int> before, int graceMs = 3000)
    {
        var sw = Stopwatch.StartNew();
        while (true)
        {
            var now = InitProcesses();
            now.ExceptWith(before);
            if (now.Count == 0 || sw.ElapsedMilliseconds > graceMs) return [.. now];
            Thread.Sleep(20);
        }
    }

    /// <summary>Starts ocirun with the sandbox's root, output to /dev/null; the returned process is ocirun itself.</summary>
    public static Process Start(Sandbox s, params string[] args)
    {
        var psi = new ProcessStartInfo(RuntimeBinary.Path)
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = false, RedirectStandardError = false,
        };
        psi.ArgumentList.Add("--root");
        psi.ArgumentList.Add(s.Root);
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        p.StandardInput.Close();
        return p;
    }

    /// <summary>An error from ocirun is one line and never an unhandled exception's trace.</summary>
    public static void AssertCleanError(RunResult r, params string[] allowed)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.DoesNotContain("Unhandled", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.True(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1, "not one line: " + r);
        if (allowed.Length > 0)
            Assert.True(allowed.Any(a => r.Stderr.Contains(a, StringComparison.Ordinal)), "unexpected error: " + r);
    }

    public static string? Status(Sandbox s, string id)
    {
        var r = s.Oci("state", id);
        return r.ExitCode == 0 ? (string?)System.Text.Json.Nodes.JsonNode.Parse(r.Stdout)!["status"] : null;
    }

    public static bool WaitFor(Func<bool> cond, int ms)
    {
        var sw = Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < ms)
        {
            if (cond()) return true;
            Thread.Sleep(50);
        }
        return cond();
    }
}
