using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace OciRun.Bench;

/// <summary>
/// Scenario "engine": the lifecycle as containerd's shim drives it. The harness makes itself a
/// child subreaper (as the shim is), so when `create` exits the container's init is re-parented to
/// us; then `start`, `kill KILL`, reap the init with waitpid, plain `delete`. Unlike
/// `delete --force` (runc polls every 100 ms there) this times work, not a runtime's sleep.
/// </summary>
static partial class Engine
{
    const int PR_SET_CHILD_SUBREAPER = 36;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, out int status, int options);

    public static async Task<int> RunAsync(Options o)
    {
        string runtime = o.Get("runtime"), root = o.Get("root"), dir = o.Get("dir"), prefix = o.Get("prefix");
        int runs = o.Int("runs"), warmup = o.Int("warmup");
        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
            throw new InvalidOperationException($"prctl(PR_SET_CHILD_SUBREAPER): errno {Marshal.GetLastPInvokeError()}");

        var template = File.ReadAllText(o.Get("template"));
        var times = new JsonArray();
        string? error = null;
        for (int i = 1; i <= warmup + runs && error is null; i++)
        {
            var id = $"{prefix}-{i}";
            var bundle = Path.Combine(dir, id);
            Directory.CreateDirectory(bundle);
            File.WriteAllText(Path.Combine(bundle, "config.json"), template.Replace("@ID@", id));
            var pidFile = Path.Combine(bundle, "pid");

            var sw = Stopwatch.StartNew();
            error = await Step(runtime, "create", "--root", root, "create", "--bundle", bundle, "--pid-file", pidFile, id)
                ?? await Step(runtime, "start", "--root", root, "start", id);
            if (error is null)
            {
                int pid = int.Parse(File.ReadAllText(pidFile).Trim());
                error = await Step(runtime, "kill", "--root", root, "kill", id, "KILL");
                // The init is ours now (subreaper): reap it as the shim would.
                if (error is null && waitpid(pid, out _, 0) != pid)
                    error = $"waitpid({pid}): errno {Marshal.GetLastPInvokeError()} (not re-parented to the harness?)";
                error ??= await Step(runtime, "delete", "--root", root, "delete", id);
            }
            double ms = sw.Elapsed.TotalMilliseconds;
            if (error is null && i > warmup) times.Add(Math.Round(ms, 3));
            if (error is not null) await Step(runtime, "cleanup", "--root", root, "delete", "--force", id);
            Directory.Delete(bundle, recursive: true);
        }
        File.WriteAllText(o.Get("out"), new JsonObject { ["times"] = times, ["error"] = error }.ToJsonString());
        return 0;
    }

    // stdio is inherited on purpose: the container inherits create's, and a pipe would be held
    // open by it. run.sh points the harness's stderr at a log.
    static async Task<string?> Step(string file, string what, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        await p.WaitForExitAsync();
        return p.ExitCode == 0 ? null : $"{what}: exit {p.ExitCode} (stderr in the engine log)";
    }
}
