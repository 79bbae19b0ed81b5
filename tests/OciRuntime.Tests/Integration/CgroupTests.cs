using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.Tests.Support;
using OciSpec;
using Process = System.Diagnostics.Process;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// cgroups on this (hybrid) host: limits land in the real v1 files, pause/resume, update, ps, events, kill --all,
/// the OOM killer, and nothing left behind. The v2 manager is exercised on an ocirun-test child of the host's cgroup2.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CgroupTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static string CgFile(string controller, string id, string file) =>
        File.ReadAllText(Path.Join("/sys/fs/cgroup", controller, "ocirun", id, file)).Trim();

    private string Started(Bundle b)
    {
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        r = _s.Oci("start", id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return id;
    }

    private static void Resources(Bundle b, string json) => b.Linux["resources"] = JsonNode.Parse(json);

    private string Status(string id) => (string)_s.State(id)["status"]!;

    [Fact]
    public void Limits_are_in_the_real_cgroup_files_while_the_container_runs()
    {
        var b = _s.NewBundle("sleep", "1000");
        Resources(b, """
            {"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":67108864,"reservation":33554432,"swappiness":0},
             "pids":{"limit":20},"cpu":{"shares":512,"quota":20000,"period":100000,"cpus":"0","mems":"0"}}
            """);
        string id = Started(b);
        int pid = (int)_s.State(id)["pid"]!;
        Assert.Equal("67108864", CgFile("memory", id, "memory.limit_in_bytes"));
        Assert.Equal("33554432", CgFile("memory", id, "memory.soft_limit_in_bytes"));
        Assert.Equal("0", CgFile("memory", id, "memory.swappiness"));
        Assert.Equal("20", CgFile("pids", id, "pids.max"));
        Assert.Equal("512", CgFile("cpu", id, "cpu.shares"));
        Assert.Equal("20000", CgFile("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal("100000", CgFile("cpu", id, "cpu.cfs_period_us"));
        Assert.Equal("0", CgFile("cpuset", id, "cpuset.cpus"));
        foreach (var ctrl in new[] { "memory", "pids", "cpu", "cpuset", "freezer", "devices", "blkio", "unified" })
            Assert.Contains(pid.ToString(), CgFile(ctrl, id, "cgroup.procs").Split('\n'));
        var devices = CgFile("devices", id, "devices.list").Split('\n');
        Assert.Contains("c 1:3 rwm", devices);
        Assert.Contains("c 136:* rwm", devices);
        Assert.DoesNotContain("a *:* rwm", devices);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Cgroups_path_absolute_or_relative_to_our_own_cgroup(bool absolute)
    {
        string parent = "ocirun-test-parent-" + Guid.NewGuid().ToString("N")[..8];
        string id = _s.NewId();
        var b = _s.NewBundle("sleep", "1000");
        b.Linux["cgroupsPath"] = absolute ? $"/{parent}/{id}" : $"{parent}/{id}";
        Resources(b, """{"pids":{"limit":9}}""");
        b.Save();
        // Relative paths start from the caller's cgroup in each hierarchy (here the memory one is not the root).
        var own = CgroupPaths.OwnCgroups(File.ReadLines("/proc/self/cgroup"));
        string Dir(string ctrl) => Path.Join("/sys/fs/cgroup", ctrl, absolute ? "" : own.GetValueOrDefault(ctrl == "unified" ? "" : ctrl, "/"), parent, id);
        try
        {
            var r = _s.Oci("create", "--bundle", b.Dir, id);
            Assert.True(r.ExitCode == 0, r.ToString());
            int pid = (int)_s.State(id)["pid"]!;
            foreach (var ctrl in new[] { "memory", "pids", "unified" })
                Assert.Contains(pid.ToString(), File.ReadAllText(Path.Join(Dir(ctrl), "cgroup.procs")));
            Assert.Equal("9", File.ReadAllText(Path.Join(Dir("pids"), "pids.max")).Trim());
            Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
            foreach (var ctrl in new[] { "memory", "pids", "unified", "freezer" })
                Assert.False(Directory.Exists(Dir(ctrl)), Dir(ctrl));
        }
        finally
        {
            foreach (var ctrl in Directory.GetDirectories("/sys/fs/cgroup"))
            {
                string p = Path.GetDirectoryName(Dir(Path.GetFileName(ctrl)))!;
                if (Directory.Exists(p)) { try { CgroupTree.Remove(p); } catch (RuntimeError) { } }
            }
        }
    }

    [Fact]
    public void Device_rules_deny_what_the_list_does_not_allow()
    {
        const string probe = "exec 3</dev/zero && echo zero-ok; (exec 4</dev/fuse) 2>/dev/null && echo fuse-ok || echo fuse-denied";
        var b = _s.NewBundle().Shell(probe);
        b.Linux["devices"] = JsonNode.Parse("""[{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438}]""");
        Resources(b, """{"devices":[{"allow":false,"access":"rwm"}]}""");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("zero-ok\nfuse-denied\n", r.Stdout);

        Resources(b, """{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"}]}""");
        r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("zero-ok\nfuse-ok\n", r.Stdout);
    }

    [Fact]
    public void A_value_for_an_absent_controller_fails_create_naming_the_field_and_leaves_nothing()
    {
        var b = _s.NewBundle("true");
        Resources(b, """{"network":{"classID":1048577}}""");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.resources.network.classID", r.Stderr);
        Assert.False(Directory.Exists(Path.Join("/sys/fs/cgroup/memory/ocirun", id)));

        // Defaults for absent controllers are fine (as runc).
        Resources(b, """{"network":{"classID":0},"hugepageLimits":[]}""");
        Assert.Equal(0, _s.Run(b).ExitCode);
    }

    [Fact]
    public void A_value_the_kernel_refuses_names_field_and_file_and_leaves_nothing()
    {
        var b = _s.NewBundle("true");
        Resources(b, """{"cpu":{"cpus":"999"}}""");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"linux.resources.cpu.cpus: write 999 to /sys/fs/cgroup/cpuset/ocirun/{id}/cpuset.cpus: ", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Join("/sys/fs/cgroup/cpuset/ocirun", id)));
    }

    [Fact]
    public void Pause_freezes_and_resume_thaws()
    {
        var b = _s.NewBundle().Shell("i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done");
        b.Config["root"]!["readonly"] = false;
        string id = Started(b);
        string counter = Path.Join(b.Rootfs, "tmp", "count");
        LifecycleTests.WaitFor(() => File.Exists(counter) && File.ReadAllText(counter).Trim().Length > 0);

        Assert.Equal(0, _s.Oci("pause", id).ExitCode);
        Assert.Equal("paused", Status(id));
        Assert.Equal("FROZEN", CgFile("freezer", id, "freezer.state"));
        string before = File.ReadAllText(counter);
        Thread.Sleep(600);
        Assert.Equal(before, File.ReadAllText(counter));
        var again = _s.Oci("pause", id);
        Assert.NotEqual(0, again.ExitCode);

        Assert.Equal(0, _s.Oci("resume", id).ExitCode);
        Assert.Equal("running", Status(id));
        LifecycleTests.WaitFor(() => File.ReadAllText(counter) != before);
        var r = _s.Oci("resume", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not paused", r.Stderr);
    }

    // runc thaws after a SIGKILL to a paused container: on cgroup v1 the signal waits in the frozen cgroup, and
    // `podman kill` of a paused container then timed out waiting for the exit.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Sigkill_to_a_paused_container_kills_it(bool all)
    {
        string id = Started(_s.NewBundle().Shell("sleep 1000 & sleep 1000"));
        Assert.Equal(0, _s.Oci("pause", id).ExitCode);
        var r = all ? _s.Oci("kill", "--all", id, "KILL") : _s.Oci("kill", id, "KILL");
        Assert.True(r.ExitCode == 0, r.ToString());
        LifecycleTests.WaitFor(() => Status(id) == "stopped");
        Assert.Equal("stopped", Status(id));
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
    }

    [Fact]
    public void Delete_force_of_a_paused_container_leaves_nothing()
    {
        string id = Started(_s.NewBundle().Shell("sleep 1000 & sleep 1000"));
        Assert.Equal(0, _s.Oci("pause", id).ExitCode);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
        Assert.False(Directory.Exists(Path.Join("/sys/fs/cgroup/freezer/ocirun", id)));
    }

    [Fact]
    public void Update_changes_the_files_and_the_stored_config()
    {
        var b = _s.NewBundle("sleep", "1000");
        Resources(b, """{"memory":{"limit":67108864},"pids":{"limit":20},"cpu":{"shares":512}}""");
        string id = Started(b);

        // A blkio weight needs a proportional I/O scheduler (BFQ); kernels without one have no weight file, and
        // then update must fail naming the field, as runc's does.
        string blkio = Path.Join("/sys/fs/cgroup/blkio/ocirun", id);
        string? weightFile = new[] { "blkio.bfq.weight", "blkio.weight" }.FirstOrDefault(f => File.Exists(Path.Join(blkio, f)));
        if (weightFile is null)
        {
            var refused = _s.Oci("update", "--blkio-weight", "300", id);
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("linux.resources.blockIO.weight", refused.Stderr);
        }
        string[] weight = weightFile is null ? [] : ["--blkio-weight", "300"];
        var r = _s.Oci(["update", "--memory", "128m", "--pids-limit", "50", "--cpu-shares", "300", "--cpu-quota", "30000", "--cpu-period", "60000",
            "--cpuset-cpus", "0", .. weight, id]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("134217728", CgFile("memory", id, "memory.limit_in_bytes"));
        Assert.Equal("50", CgFile("pids", id, "pids.max"));
        Assert.Equal("300", CgFile("cpu", id, "cpu.shares"));
        Assert.Equal("30000", CgFile("cpu", id, "cpu.cfs_quota_us"));
        Assert.Equal("60000", CgFile("cpu", id, "cpu.cfs_period_us"));
        if (weightFile is not null) Assert.Equal("300", CgFile("blkio", id, weightFile));

        r = _s.OciWithStdin("""{"memory":{"limit":100000000},"pids":{"limit":7}}""", "update", "--resources", "-", id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("99999744", CgFile("memory", id, "memory.limit_in_bytes"));
        Assert.Equal("7", CgFile("pids", id, "pids.max"));

        var stored = OciJson.ParseSpec(File.ReadAllBytes(Path.Join(_s.Root, id, "config.json"))).Linux!.Resources!;
        Assert.Equal(100000000, stored.Memory!.Limit);
        Assert.Equal(7, stored.Pids!.Limit);
        Assert.Equal(300UL, stored.CPU!.Shares);
        Assert.Equal(30000, stored.CPU.Quota);

        // Devices on a running container: only the difference is written, and the list shows it.
        r = _s.OciWithStdin("""{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"}]}""", "update", "-r", "-", id);
        Assert.True(r.ExitCode == 0, r.ToString());
        var list = CgFile("devices", id, "devices.list").Split('\n');
        Assert.Contains("c 10:229 rw", list);
        Assert.Contains("c 1:3 rwm", list);

        r = _s.Oci("update", "--memory", "lots", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("--memory", r.Stderr);
        r = _s.OciWithStdin("""{"network":{"classID":5}}""", "update", "-r", "-", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.resources.network.classID", r.Stderr);

        Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => Status(id) == "stopped");
        r = _s.Oci("update", "--pids-limit", "5", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not running", r.Stderr);
    }

    [Fact]
    public void Ps_lists_the_container_processes()
    {
        string id = Started(_s.NewBundle().Shell("sleep 1000 & sleep 1001 & wait"));
        int pid = (int)_s.State(id)["pid"]!;
        LifecycleTests.WaitFor(() => JsonNode.Parse(_s.Oci("ps", "--format", "json", id).Stdout)!.AsArray().Count == 3);
        var pids = JsonNode.Parse(_s.Oci("ps", "--format", "json", id).Stdout)!.AsArray().Select(n => (int)n!).ToList();
        Assert.Contains(pid, pids);
        var table = _s.Oci("ps", id);
        Assert.True(table.ExitCode == 0, table.ToString());
        var lines = table.Stdout.TrimEnd().Split('\n');
        Assert.Contains("PID", lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Contains(lines, l => l.Contains("sleep 1001"));
        var custom = _s.Oci("ps", id, "-o", "pid,comm");
        Assert.True(custom.ExitCode == 0, custom.ToString());
        Assert.Contains($"{pid} sh", custom.Stdout.Replace("  ", " "));
    }

    [Fact]
    public void Events_stats_is_runc_json_with_memory_usage()
    {
        var b = _s.NewBundle("sleep", "1000");
        Resources(b, """{"memory":{"limit":67108864},"pids":{"limit":20}}""");
        string id = Started(b);
        var r = _s.Oci("events", "--stats", id);
        Assert.True(r.ExitCode == 0, r.ToString());
        var e = JsonNode.Parse(r.Stdout)!.AsObject();
        Assert.Equal("stats", (string)e["type"]!);
        Assert.Equal(id, (string)e["id"]!);
        var data = e["data"]!;
        Assert.True((ulong)data["memory"]!["usage"]!["usage"]! > 0);
        Assert.Equal(67108864UL, (ulong)data["memory"]!["usage"]!["limit"]!);
        Assert.Equal(1UL, (ulong)data["pids"]!["current"]!);
        Assert.Equal(20UL, (ulong)data["pids"]!["limit"]!);
        Assert.True((ulong)data["cpu"]!["usage"]!["total"]! > 0);
        Assert.NotNull(data["blkio"]);
        Assert.NotNull(data["hugetlb"]);
    }

    [Fact]
    public void Kill_all_signals_every_process()
    {
        string id = Started(_s.NewBundle().Shell("trap '' TERM; sleep 1000 & sleep 1000 & wait; sleep 1000"));
        LifecycleTests.WaitFor(() => JsonNode.Parse(_s.Oci("ps", "--format", "json", id).Stdout)!.AsArray().Count == 3);
        Assert.Equal(0, _s.Oci("kill", "--all", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => Status(id) == "stopped");
        LifecycleTests.WaitFor(() => JsonNode.Parse(_s.Oci("ps", "--format", "json", id).Stdout)!.AsArray().Count == 0);
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
    }

    [Fact]
    public void Kill_all_KILL_of_a_paused_container_stops_it()
    {
        // The v1 freezer holds SIGKILL until thaw: containerd's `task rm --force` of a paused task sends this and
        // waits for the exit (forever, before the fix).
        string id = Started(_s.NewBundle().Shell("sleep 1000 & sleep 1000"));
        Assert.Equal(0, _s.Oci("pause", id).ExitCode);
        Assert.Equal(0, _s.Oci("kill", "--all", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => Status(id) == "stopped");
        LifecycleTests.WaitFor(() => JsonNode.Parse(_s.Oci("ps", "--format", "json", id).Stdout)!.AsArray().Count == 0);
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
    }

    [Fact]
    public void Delete_force_after_init_was_sigkilled_leaves_nothing()
    {
        string id = Started(_s.NewBundle().Shell("sleep 1000 & sleep 1000"));
        int pid = (int)_s.State(id)["pid"]!;
        Sys.TryKill(pid, Sys.SIGKILL);
        LifecycleTests.WaitFor(() => Status(id) == "stopped");
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
        foreach (var ctrl in new[] { "memory", "pids", "freezer", "unified", "systemd" })
            Assert.False(Directory.Exists(Path.Join("/sys/fs/cgroup", ctrl, "ocirun", id)), ctrl);
    }

    [Fact]
    public void Memory_limit_triggers_the_oom_killer_and_an_oom_event()
    {
        var b = _s.NewBundle().Shell("sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1; echo survived");
        Resources(b, """{"memory":{"limit":41943040}}""");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        var psi = new ProcessStartInfo(RuntimeBinary.Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--root", _s.Root, "events", "--interval", "1s", id }) psi.ArgumentList.Add(a);
        using var events = Process.Start(psi)!;
        var stdout = events.StandardOutput.ReadToEndAsync();
        var stderr = events.StandardError.ReadToEndAsync();
        Thread.Sleep(300);
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        LifecycleTests.WaitFor(() => Status(id) == "stopped", 20_000);
        if (!events.WaitForExit(10_000)) { events.Kill(); Assert.Fail("events did not end after the container stopped"); }
        var lines = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Contains(lines, l => (string)l["type"]! == "oom" && (string)l["id"]! == id);
        Assert.Contains(lines, l => (string)l["type"]! == "stats");
        Assert.True(ulong.Parse(CgFile("memory", id, "memory.failcnt")) > 0 || CgFile("memory", id, "memory.oom_control").Contains("oom_kill 1"), stderr.Result);
    }

    [Fact]
    public void Memory_limit_too_small_for_init_names_the_oom_killer_and_leaves_nothing()
    {
        // Limits are written before init joins the cgroup, so init itself is what the OOM killer ends; the error
        // must say so (it said only "container init exited during setup", sometimes without the signal).
        var b = _s.NewBundle("true");
        Resources(b, """{"memory":{"limit":100000}}""");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("create: container init exited during setup (killed by signal 9): out of memory in the container's cgroup (linux.resources.memory.limit: 100000 bytes)", r.Stderr);
        Assert.False(Directory.Exists(Path.Join("/sys/fs/cgroup/memory/ocirun", id)), "the cgroup outlived the failed create");
        Assert.NotEqual(0, _s.Oci("state", id).ExitCode);
    }

    /// <summary>Runs a device probe in the cgroup: the shell waits until it has been moved there.</summary>
    private static string RunInCgroup(V2Manager m, string top)
    {
        string go = Path.Join(Path.GetTempPath(), Path.GetFileName(top) + ".go");
        var psi = new ProcessStartInfo("sh", ["-c", $"while [ ! -e {go} ]; do sleep 0.02; done; (exec 3</dev/null) && echo null-ok; (exec 4</dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied"])
        { UseShellExecute = false, RedirectStandardOutput = true };
        using var q = Process.Start(psi)!;
        try
        {
            m.Apply(q.Id);
            File.WriteAllText(go, "");
            string output = q.StandardOutput.ReadToEnd();
            q.WaitForExit();
            return output;
        }
        finally
        {
            File.Delete(go);
            try { q.Kill(); } catch (InvalidOperationException) { }
        }
    }

    /// <summary>The v2 manager's core on a child of the host's cgroup2 (controller-less here): procs, freeze, kill, stats, device filter.</summary>
    [Fact]
    public void V2_manager_core_on_the_hosts_cgroup2()
    {
        string top = Path.Join("/sys/fs/cgroup/unified", "ocirun-test-v2-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(top);
        Process? p = null;
        try
        {
            var m = new V2Manager(top, "/c1");
            m.Create();
            Assert.True(m.Exists());
            p = Process.Start(new ProcessStartInfo("sleep", "1000") { UseShellExecute = false })!;
            m.Apply(p.Id);
            Assert.Equal([p.Id], m.Pids());

            m.Freeze();
            Assert.True(m.IsFrozen());
            m.Thaw();
            Assert.False(m.IsFrozen());
            Assert.NotNull(m.Stats().Cpu);
            Assert.Null(m.WatchOom()); // no memory controller in this cgroup2

            // The eBPF device filter: deny-all plus the defaults (so /dev/null, not /dev/kmsg); then kmsg allowed for reading.
            m.Update(new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] });
            Assert.Equal("null-ok\nkmsg-denied\n", RunInCgroup(m, top));
            m.Update(new LinuxResources
            {
                Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }, new LinuxDeviceCgroup { Allow = true, Type = "c", Major = 1, Minor = 11, Access = "r" }],
            });
            Assert.Equal("null-ok\nkmsg-ok\n", RunInCgroup(m, top));

            m.KillAll(Sys.SIGKILL);
            Assert.True(p.WaitForExit(5000));
            LifecycleTests.WaitFor(() => m.Pids().Count == 0);
            m.Destroy();
            Assert.False(m.Exists());
        }
        finally
        {
            try { p?.Kill(); } catch (InvalidOperationException) { }
            if (Directory.Exists(Path.Join(top, "c1"))) CgroupTree.Remove(Path.Join(top, "c1"));
            CgroupFs.RemoveDir(top);
        }
    }
}
