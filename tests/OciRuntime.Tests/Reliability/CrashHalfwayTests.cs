using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Reliability;

/// <summary>
/// `create` killed with SIGKILL at swept moments: afterwards there is no container, or one that `delete --force`
/// removes completely (no state entry, cgroup, mount, process, orphaned setup process). And a damaged state.json
/// never makes `list` or `state` crash.
/// </summary>
[Collection("Reliability")]
public sealed class CrashHalfwayTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void Create_killed_at_any_moment_leaves_nothing_that_delete_force_cannot_remove()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        var before = Rel.InitProcesses();
        int iterations = 0, noContainer = 0, leftBehind = 0, completed = 0;
        var statuses = new Dictionary<string, int>();
        var phases = new Dictionary<string, int>();
        // 0 to 40 ms after the start in 250 µs steps (create itself takes a few ms), busy-waited for precision.
        for (int step = 0; step <= 160; step++)
            {
                double delay = step * 0.25;
                string id = _s.NewId();
                using var p = Rel.Start(_s, "create", "--bundle", b.Dir, id);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (sw.Elapsed.TotalMilliseconds < delay) Thread.SpinWait(50);
                bool exited = p.HasExited;
                try { p.Kill(); } catch (InvalidOperationException) { }
                p.WaitForExit();
                iterations++;
                if (exited) completed++;

                string dir = Path.Join(_s.Root, id), cg = Path.Join("/sys/fs/cgroup/pids/ocirun", id);
                string phase = !Directory.Exists(dir) ? "nothing"
                    : !File.Exists(Path.Join(dir, "state.json")) ? "state dir only"
                    : !Directory.Exists(cg) ? "state saved, no cgroup"
                    : !File.Exists(Path.Join(dir, "exec.fifo")) ? "cgroup made, no fifo"
                    : File.ReadAllText(Path.Join(cg, "cgroup.procs")).Trim().Length == 0 ? "fifo made, cgroup empty"
                    : File.ReadAllText(Path.Join(dir, "state.json")).Contains("\"complete\":true", StringComparison.OrdinalIgnoreCase) ? "complete" : "init in cgroup, record incomplete";
                phases[phase] = phases.GetValueOrDefault(phase) + 1;

                var st = _s.Oci("state", id);
                if (st.ExitCode == 0)
                {
                    leftBehind++;
                    string status = (string)JsonNode.Parse(st.Stdout)!["status"]!;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                }
                else
                {
                    Rel.AssertCleanError(st, "does not exist", "damaged", "state.json");
                    if (st.Stderr.Contains("does not exist")) noContainer++;
                    else leftBehind++;
                }
                var list = _s.Oci("list");
                Assert.True(list.ExitCode == 0, list.ToString());

                var del = _s.Oci("delete", "--force", id);
                Assert.True(del.ExitCode == 0, $"delay {delay} ms, phase {phase}: " + del);
                Assert.Contains("does not exist", _s.Oci("state", id).Stderr);
                var residue = Residue.Find(_s.Root, [id], b.Dir);
                Assert.True(residue.Count == 0, $"delay {delay} ms, phase {phase}: " + string.Join("; ", residue));
                var inits = Rel.NewInits(before);
                Assert.True(inits.Count == 0, $"delay {delay} ms, phase {phase}: ocirun:setup or ocirun:init left running: {string.Join(',', inits)}");
            }
        output.WriteLine($"iterations {iterations}: no container {noContainer}, container left for delete --force {leftBehind} " +
                         $"({string.Join(", ", statuses.Select(kv => kv.Key + " " + kv.Value))}), create finished before the kill {completed}; phases at the kill: " +
                         string.Join(", ", phases.Select(kv => kv.Key + " " + kv.Value)));
        // The sweep must have hit the middle of create, not only its two ends.
        Assert.True(leftBehind > 0, "never interrupted create after its state was saved");
    }

    /// <summary>
    /// The container's own process killed while it runs its setup (the setup program's operations, or `ocirun
    /// init` where the spec falls back to it), at seeded random moments after it appears: `create` fails in one
    /// line or has finished, and afterwards nothing is left that `delete --force` cannot remove.
    /// </summary>
    [Fact]
    public void Setup_process_killed_at_random_operations_leaves_nothing_that_delete_force_cannot_remove()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        var before = Rel.InitProcesses();
        var rng = new Random(20);
        int iterations = 0, failed = 0, finished = 0, notSeen = 0;
        for (int i = 0; i < 60; i++)
        {
            string id = _s.NewId();
            // stderr to a file, not a pipe: a create the kill missed leaves its container waiting at the exec FIFO
            // with the caller's stdio, and a pipe would not reach end-of-file until that container goes.
            string errFile = Path.Join(Path.GetDirectoryName(_s.Root)!, "create-" + i + ".err");
            var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            foreach (var a in new[] { "-c", "exec \"$0\" \"$@\" >/dev/null 2>\"$OCIRUN_TEST_ERR\"", RuntimeBinary.Path,
                         "--root", _s.Root, "create", "--bundle", b.Dir, id }) psi.ArgumentList.Add(a);
            psi.Environment["OCIRUN_TEST_ERR"] = errFile;
            using var p = System.Diagnostics.Process.Start(psi)!;
            int zone = FirstChild(p.Id, 2000);
            if (zone > 0)
            {
                double delay = rng.NextDouble() * 3.0;
                var sw = System.Diagnostics.Stopwatch.StartNew();
                while (sw.Elapsed.TotalMilliseconds < delay) Thread.SpinWait(20);
                try { System.Diagnostics.Process.GetProcessById(zone).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
            else notSeen++;
            Assert.True(p.WaitForExit(60_000), $"iteration {i}: create did not finish");
            string err = File.ReadAllText(errFile);
            iterations++;
            if (p.ExitCode == 0) finished++;
            else
            {
                failed++;
                Assert.True(err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1, $"not one line: {err}");
                Assert.DoesNotContain("   at ", err);
            }
            var del = _s.Oci("delete", "--force", id);
            Assert.True(del.ExitCode == 0, $"iteration {i}: " + del);
            var residue = Residue.Find(_s.Root, [id], b.Dir);
            Assert.True(residue.Count == 0, $"iteration {i}: " + string.Join("; ", residue));
            var left = Rel.NewInits(before);
            Assert.True(left.Count == 0, $"iteration {i}: setup process left running: {string.Join(',', left)}");
        }
        output.WriteLine($"iterations {iterations}: create failed {failed}, finished before the kill {finished}, setup process not seen {notSeen}");
        Assert.True(failed > 0, "the kill never interrupted a setup");
    }

    /// <summary>The first child of <paramref name="pid"/>'s main thread, polled until it appears (0: none in time).</summary>
    private static int FirstChild(int pid, int timeoutMs)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        string path = $"/proc/{pid}/task/{pid}/children";
        while (sw.ElapsedMilliseconds < timeoutMs)
        {
            try
            {
                string text = File.ReadAllText(path).Trim();
                if (text.Length > 0 && int.TryParse(text.Split(' ')[0], out int child)) return child;
            }
            catch (IOException) { return 0; }
            Thread.SpinWait(20);
        }
        return 0;
    }

    [Fact]
    public void Delete_killed_at_any_moment_is_finished_by_the_next_delete_force()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        int iterations = 0, interrupted = 0;
        // 0 to 15 ms after the start in 250 µs steps.
        for (int step = 0; step <= 60; step++)
        {
            string id = _s.NewId();
            Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
            Assert.Equal(0, _s.Oci("start", id).ExitCode);
            using var p = Rel.Start(_s, "delete", "--force", id);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (sw.Elapsed.TotalMilliseconds < step * 0.25) Thread.SpinWait(50);
            try { p.Kill(); } catch (InvalidOperationException) { }
            p.WaitForExit();
            iterations++;
            if (Directory.Exists(Path.Join(_s.Root, id))) interrupted++;
            Assert.True(_s.Oci("list").ExitCode == 0);
            var del = _s.Oci("delete", "--force", id);
            Assert.True(del.ExitCode == 0, $"step {step}: " + del);
            var residue = Residue.Find(_s.Root, [id], b.Dir);
            Assert.True(residue.Count == 0, $"step {step}: " + string.Join("; ", residue));
        }
        output.WriteLine($"delete --force killed: iterations {iterations}, left a state entry for the next delete {interrupted}");
    }

    public static TheoryData<string> Garbage => new()
    {
        "", "{", "{\"id\":", "garbage\0\u0001", "null", "[]", "{}", "{\"id\":5}", "{\"id\":\"x\",\"pid\":\"nope\"}",
        "{\"id\":\"other\",\"pid\":999999999,\"bundle\":\"/\"}", "\u00ff\u00fe", "TRUNCATE",
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public void Damaged_state_is_listed_as_stopped_state_errors_in_one_line_and_delete_force_removes_it(string content)
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        string file = Path.Join(_s.Root, id, "state.json");
        string good = File.ReadAllText(file);
        File.WriteAllText(file, content == "TRUNCATE" ? good[..(good.Length / 2)] : content);

        var list = _s.Oci("list", "--format", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = JsonNode.Parse(list.Stdout)!.AsArray().Single(e => (string)e!["id"]! == id)!;
        Assert.Equal("stopped", (string)row["status"]!);
        var table = _s.Oci("list");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains(id, table.Stdout);

        // Damaged: a one-line error naming the container. Readable but foreign (another id, a dead pid): stopped.
        var st = _s.Oci("state", id);
        if (st.ExitCode == 0) Assert.Equal("stopped", (string)JsonNode.Parse(st.Stdout)!["status"]!);
        else
        {
            Rel.AssertCleanError(st);
            Assert.Contains(id, st.Stderr);
        }

        var del = _s.Oci("delete", "--force", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.False(Directory.Exists(Path.Join(_s.Root, id)));
        // The container's init and cgroup went with it (the sandbox's residue check proves it on Dispose).
    }

    [Fact]
    public void Missing_state_file_in_an_existing_entry_is_handled()
    {
        string id = _s.NewId();
        Directory.CreateDirectory(Path.Join(_s.Root, id));
        Assert.True(_s.Oci("list").ExitCode == 0);
        Rel.AssertCleanError(_s.Oci("state", id));
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
        Assert.False(Directory.Exists(Path.Join(_s.Root, id)));
    }
}
