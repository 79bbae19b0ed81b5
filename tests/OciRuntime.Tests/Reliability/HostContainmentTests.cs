using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Reliability;

/// <summary>A container that misbehaves is contained: the host keeps forking, delete still works.</summary>
[Collection("Reliability")]
public sealed class HostContainmentTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static string? CgFile(string ctrl, string id, string file)
    {
        foreach (var p in new[] { Path.Join("/sys/fs/cgroup", ctrl, "ocirun", id, file), Path.Join("/sys/fs/cgroup", "ocirun", id, file) })
            if (File.Exists(p)) return File.ReadAllText(p).Trim();
        return null;
    }

    private string Started(Bundle b)
    {
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        var st = _s.Oci("start", id);
        Assert.True(st.ExitCode == 0, st.ToString());
        return id;
    }

    [Fact]
    public void Fork_bomb_is_held_by_the_pids_limit_and_delete_force_works()
    {
        var b = _s.NewBundle().Shell("b() { b | b & }; b; sleep 100")
            .Edit(c => c["linux"]!["resources"] = JsonNode.Parse("""{"pids":{"limit":20}}"""));
        string id = Started(b);
        Thread.Sleep(1500);
        string? current = CgFile("pids", id, "pids.current");
        if (current is not null) Assert.True(int.Parse(current) <= 20, "pids.current " + current);
        // The host still forks.
        using (var p = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!)
        {
            Assert.True(p.WaitForExit(10_000));
            Assert.Equal(0, p.ExitCode);
        }
        var sw = Stopwatch.StartNew();
        var del = _s.Oci("delete", "--force", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        output.WriteLine($"fork bomb: pids.current {current} (limit 20), host fork ok, delete --force in {sw.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Memory_hog_is_oom_killed_and_delete_works()
    {
        var b = _s.NewBundle().Shell("x=aaaaaaaaaaaaaaaa; while true; do x=\"$x$x\"; done")
            .Edit(c => c["linux"]!["resources"] = JsonNode.Parse("""{"memory":{"limit":33554432,"swap":33554432}}"""));
        string id = Started(b);
        Assert.True(Rel.WaitFor(() => Rel.Status(_s, id) == "stopped", 30_000), "the memory hog was not stopped");
        string? failcnt = CgFile("memory", id, "memory.failcnt");
        string? oom = CgFile("memory", id, "memory.oom_control") ?? CgFile("memory", id, "memory.events");
        var del = _s.Oci("delete", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        output.WriteLine($"memory hog stopped; memory.failcnt {failcnt}; oom: {oom?.Replace('\n', ' ')}");
        if (oom is not null && oom.Contains("oom_kill ")) Assert.DoesNotContain("oom_kill 0", oom);
    }

    [Fact]
    public void Exec_process_outliving_pid_1_is_cleaned_up_by_delete()
    {
        // No pid namespace: pid 1's exit does not take the exec'd process with it.
        var b = _s.NewBundle("sleep", "1").Edit(c =>
        {
            var ns = c["linux"]!["namespaces"]!.AsArray();
            foreach (var n in ns.Where(n => (string)n!["type"]! == "pid").ToList()) ns.Remove(n);
        });
        string id = Started(b);
        string pidFile = Path.Join(b.Dir, "exec.pid");
        var ex = _s.Oci("exec", "-d", "--pid-file", pidFile, id, "sleep", "1003");
        Assert.True(ex.ExitCode == 0, ex.ToString());
        int execPid = int.Parse(File.ReadAllText(pidFile));
        Assert.True(Rel.WaitFor(() => Rel.Status(_s, id) == "stopped", 10_000), "pid 1 did not exit");
        Assert.True(Directory.Exists($"/proc/{execPid}"), "the exec'd process should still run");
        var del = _s.Oci("delete", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.True(Rel.WaitFor(() => !File.Exists($"/proc/{execPid}/cmdline") || !File.ReadAllText($"/proc/{execPid}/cmdline").Contains("1003"), 5_000),
            "the exec'd process survived delete");
    }

    [Fact]
    public void Exec_process_outliving_pid_1_is_cleaned_up_by_delete_force_with_a_pid_namespace()
    {
        var b = _s.NewBundle("sleep", "1");
        string id = Started(b);
        var ex = _s.Oci("exec", "-d", id, "sleep", "1004");
        Assert.True(ex.ExitCode == 0, ex.ToString());
        Assert.True(Rel.WaitFor(() => Rel.Status(_s, id) == "stopped", 10_000), "pid 1 did not exit");
        var del = _s.Oci("delete", "--force", id);
        Assert.True(del.ExitCode == 0, del.ToString());
    }
}
