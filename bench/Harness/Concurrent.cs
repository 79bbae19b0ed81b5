using System.Diagnostics;
using System.Text.Json.Nodes;

namespace OciRun.Bench;

/// <summary>
/// Scenario (c): N `run` commands of /bin/true launched at once, timed from the first launch to
/// the last exit. `run` covers create, start, wait and delete, so throughput is whole container
/// lifetimes per second under contention (cgroup creation, state dir, namespaces in parallel).
/// </summary>
static class Concurrent
{
    public static async Task<int> RunAsync(Options o)
    {
        string runtime = o.Get("runtime"), root = o.Get("root"), dir = o.Get("dir"), prefix = o.Get("prefix");
        int count = o.Int("count"), rounds = o.Int("rounds");
        var results = new JsonArray();
        for (int r = 1; r <= rounds; r++)
        {
            var ids = Bundles.Make(o.Get("template"), dir, $"{prefix}-r{r}", count);
            var round = await OneRoundAsync(runtime, root, dir, ids);
            Console.WriteLine($"round {r}: {round["ok"]}/{count} ok in {round["elapsedMs"]} ms");
            results.Add(round);
            foreach (var id in ids) Directory.Delete(Path.Combine(dir, id), recursive: true);
        }
        File.WriteAllText(o.Get("out"), new JsonObject { ["count"] = count, ["rounds"] = results }.ToJsonString());
        return 0;
    }

    static async Task<JsonObject> OneRoundAsync(string runtime, string root, string dir, List<string> ids)
    {
        var latencies = new double[ids.Count];
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sw = Stopwatch.StartNew();
        var waits = new List<Task<int>>(ids.Count);
        for (int i = 0; i < ids.Count; i++)
            waits.Add(RunOneAsync(runtime, root, Path.Combine(dir, ids[i]), ids[i], sw, latencies, i, errors));
        var codes = await Task.WhenAll(waits);
        double elapsed = sw.Elapsed.TotalMilliseconds;

        int ok = codes.Count(c => c == 0);
        // A failed run may leave its container behind; the round must not leak into the next one.
        for (int i = 0; i < ids.Count; i++)
            if (codes[i] != 0) await ExecAsync(runtime, "--root", root, "delete", "--force", ids[i]);

        return new JsonObject
        {
            ["ok"] = ok,
            ["failed"] = ids.Count - ok,
            ["elapsedMs"] = Math.Round(elapsed, 3),
            ["throughput"] = ok == 0 ? 0 : Math.Round(ok / (elapsed / 1000.0), 3),
            ["latenciesMs"] = new JsonArray(latencies.Select(l => (JsonNode)Math.Round(l, 3)).ToArray()),
            ["firstError"] = errors.TryPeek(out var e) ? e : null,
        };
    }

    static async Task<int> RunOneAsync(string runtime, string root, string bundle, string id, Stopwatch sw,
        double[] latencies, int slot, System.Collections.Concurrent.ConcurrentQueue<string> errors)
    {
        double start = sw.Elapsed.TotalMilliseconds;
        using var p = Start(runtime, "--root", root, "run", "--bundle", bundle, id);
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        latencies[slot] = sw.Elapsed.TotalMilliseconds - start;
        if (p.ExitCode != 0) errors.Enqueue($"{id}: exit {p.ExitCode}: {(await stderr).Trim()}");
        return p.ExitCode;
    }

    static async Task ExecAsync(string file, params string[] args)
    {
        using var p = Start(file, args);
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
    }

    // stdout is inherited (run.sh points it at a log); stderr is captured to report the first error.
    static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
    }
}
