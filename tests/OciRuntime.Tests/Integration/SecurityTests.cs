using System.Globalization;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>Process attributes, capabilities, user namespaces, LSM fields and the state directory, read from
/// inside real containers. The capability cases were checked against runc 1.1.5 on the same bundles.</summary>
public sealed class SecurityTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static IEnumerable<string> Lines(string s) => ProcessTests.Lines(s);

    /// <summary>"nice rt_priority policy" of the shell itself, from /proc/PID/stat (fields 19, 40, 41).</summary>
    private const string SchedProbe = "set -- $(cat /proc/$$/stat); echo ${19} ${40} ${41}";

    [Fact]
    public void Scheduler_policy_and_nice_are_applied()
    {
        var b = _s.NewBundle().Shell(SchedProbe);
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_BATCH", ["nice"] = 7 };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("7 0 3", r.Stdout.Trim()); // SCHED_BATCH = 3

        b = _s.NewBundle().Shell(SchedProbe);
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_IDLE" };
        r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.EndsWith(" 0 5", r.Stdout.Trim()); // SCHED_IDLE = 5
    }

    [Fact]
    public void A_real_time_policy_gets_its_priority()
    {
        var b = _s.NewBundle().Shell(SchedProbe);
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_RR", ["priority"] = 12 };
        string id = _s.NewId();
        // With real-time group scheduling (cgroup v1 cpu.rt_runtime_us) a new cgroup has no real-time budget:
        // give the container one, directly under the root so the parent's budget is the host's.
        if (File.Exists("/sys/fs/cgroup/cpu/cpu.rt_runtime_us"))
        {
            b.Linux["cgroupsPath"] = "/" + id;
            b.Linux["resources"]!["cpu"] = new JsonObject { ["realtimeRuntime"] = 10000, ["realtimePeriod"] = 1000000 };
        }
        var r = _s.Run(b, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        // The kernel takes sched_nice only for the fair policies: under SCHED_RR the container keeps the nice value
        // it inherited, the one this test runs with (5 under `nice -n 5 dotnet test`).
        Assert.Equal($"{OwnNice()} 12 2", r.Stdout.Trim()); // SCHED_RR = 2
    }

    /// <summary>Field 19 of /proc/self/stat; the fields after the command's closing parenthesis start at 3.</summary>
    private static int OwnNice()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19 - 3], CultureInfo.InvariantCulture);
    }

    [Fact]
    public void A_scheduler_the_kernel_refuses_is_an_error_naming_the_field()
    {
        // In a user namespace the container's root has no CAP_SYS_NICE over the host: a real-time policy fails.
        var b = UserNamespaceBundle(_s.NewBundle().Shell("true"));
        b.Process["scheduler"] = new JsonObject { ["policy"] = "SCHED_FIFO", ["priority"] = 10 };
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.scheduler", r.Stderr);
        Assert.Contains("SCHED_FIFO", r.Stderr);
    }

    [Fact]
    public void Io_priority_is_applied()
    {
        var b = _s.NewBundle().Shell("ionice -p $$");
        b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_BE", ["priority"] = 6 };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("best-effort: prio 6", r.Stdout.Trim());

        b = _s.NewBundle().Shell("ionice -p $$");
        b.Process["ioPriority"] = new JsonObject { ["class"] = "IOPRIO_CLASS_IDLE", ["priority"] = 0 };
        r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("idle", r.Stdout.Trim());
    }

    [SkippableFact]
    public void Exec_cpu_affinity_final_is_the_processes_affinity()
    {
        Skip.If(Environment.ProcessorCount < 2, "needs two CPUs to tell the affinity lists apart");
        var b = _s.NewBundle().Shell("grep Cpus_allowed_list /proc/self/status");
        b.Process["execCPUAffinity"] = new JsonObject { ["initial"] = "0", ["final"] = "1" };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Cpus_allowed_list:\t1", r.Stdout.Trim());
    }

    [Fact]
    public void Exec_cpu_affinity_applies_to_exec_and_bad_cpus_name_the_field()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        string proc = Path.Join(b.Dir, "process.json");
        File.WriteAllText(proc, """
            {"args":["sh","-c","grep Cpus_allowed_list /proc/self/status"],"cwd":"/","user":{"uid":0,"gid":0},
             "env":["PATH=/bin"],"execCPUAffinity":{"initial":"0-1","final":"0"}}
            """);
        var r = _s.Oci("exec", "--process", proc, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Cpus_allowed_list:\t0", r.Stdout.Trim());

        File.WriteAllText(proc, """
            {"args":["true"],"cwd":"/","user":{"uid":0,"gid":0},"env":["PATH=/bin"],"execCPUAffinity":{"final":"4095"}}
            """);
        r = _s.Oci("exec", "--process", proc, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.execCPUAffinity.final", r.Stderr);
    }

    [SkippableTheory]
    [InlineData("MPOL_BIND", "0", "bind:0")]
    [InlineData("MPOL_INTERLEAVE", "0", "interleave:0")]
    [InlineData("MPOL_PREFERRED", "0", "prefer:0")]
    public void Memory_policy_shows_in_numa_maps(string mode, string nodes, string expected)
    {
        Skip.IfNot(Directory.Exists("/sys/devices/system/node/node0"), "a kernel without NUMA has no memory policy");
        var b = _s.NewBundle().Shell("cat /proc/self/numa_maps");
        b.Linux["memoryPolicy"] = new JsonObject { ["mode"] = mode, ["nodes"] = nodes };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains(" " + expected + " ", r.Stdout);
    }

    [Fact]
    public void A_memory_policy_on_a_missing_node_names_the_field()
    {
        var b = _s.NewBundle().Shell("true");
        b.Linux["memoryPolicy"] = new JsonObject { ["mode"] = "MPOL_BIND", ["nodes"] = "1000" };
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.memoryPolicy", r.Stderr);
    }

    // ---- rlimits, oom score, no_new_privs ----

    [Fact]
    public void Rlimits_oom_score_and_no_new_privileges_are_applied()
    {
        var b = _s.NewBundle().Shell("grep -E 'open files|core file|processes' /proc/self/limits; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status");
        b.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 100, ["hard"] = 200 },
            new JsonObject { ["type"] = "RLIMIT_CORE", ["soft"] = 0, ["hard"] = 4096 },
            new JsonObject { ["type"] = "RLIMIT_NPROC", ["soft"] = 500, ["hard"] = 600 });
        b.Process["oomScoreAdj"] = 345;
        b.Process["noNewPrivileges"] = false;
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Contains("Max core file size 0 4096 bytes", lines);
        Assert.Contains("Max processes 500 600 processes", lines);
        Assert.Contains("Max open files 100 200 files", lines);
        Assert.Contains("345", lines);
        Assert.Contains(lines, l => l.StartsWith("NoNewPrivs:", StringComparison.Ordinal) && l.EndsWith('0'));
    }

    [SkippableFact]
    public void Raising_a_hard_limit_without_the_privilege_names_the_limit()
    {
        ulong own = ulong.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapEff:")).Split(':')[1].Trim(), NumberStyles.HexNumber);
        // With CAP_SYS_RESOURCE the raise would succeed (and must not be done).
        Skip.If((own & (1UL << 24)) != 0, "the test process has CAP_SYS_RESOURCE, so the raise cannot be refused");
        string hard = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[4];
        var b = _s.NewBundle().Shell("true");
        b.Process["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 1024, ["hard"] = ulong.Parse(hard) + 1 });
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("RLIMIT_NOFILE", r.Stderr);
        Assert.Contains("process.rlimits[0]", r.Stderr);
    }

    // ---- capabilities ----

    private const string CapProbe = "grep -E '^Cap(Inh|Prm|Eff|Bnd|Amb)' /proc/self/status";

    private static Dictionary<string, string> Caps(string stdout) =>
        Lines(stdout).Where(l => l.StartsWith("Cap", StringComparison.Ordinal)).ToDictionary(l => l.Split(':')[0], l => l.Split(':')[1].Trim());

    private static JsonArray Names(params string[] n) => new(n.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());

    [Fact]
    public void Capabilities_for_root_are_the_configured_sets()
    {
        var b = _s.NewBundle().Shell(CapProbe);
        string[] set = ["CAP_CHOWN", "CAP_NET_RAW", "CAP_SYS_ADMIN"];
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Names(set), ["effective"] = Names(set), ["permitted"] = Names(set),
            ["inheritable"] = Names("CAP_NET_RAW"), ["ambient"] = Names("CAP_NET_RAW"),
        };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var c = Caps(r.Stdout);
        Assert.Equal("0000000000202001", c["CapBnd"]); // CHOWN 0, NET_RAW 13, SYS_ADMIN 21
        Assert.Equal("0000000000202001", c["CapPrm"]);
        Assert.Equal("0000000000202001", c["CapEff"]);
        Assert.Equal("0000000000002000", c["CapInh"]);
        Assert.Equal("0000000000002000", c["CapAmb"]);
    }

    [Fact]
    public void A_non_root_user_keeps_its_ambient_capabilities_across_setuid()
    {
        var b = _s.NewBundle().Shell(CapProbe + "; id -u");
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        string[] set = ["CAP_NET_RAW", "CAP_NET_BIND_SERVICE"];
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Names([.. set, "CAP_CHOWN"]), ["effective"] = Names(set), ["permitted"] = Names(set),
            ["inheritable"] = Names(set), ["ambient"] = Names(set),
        };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var c = Caps(r.Stdout);
        Assert.Equal("0000000000002401", c["CapBnd"]);
        Assert.Equal("0000000000002400", c["CapPrm"]);
        Assert.Equal("0000000000002400", c["CapEff"]);
        Assert.Equal("0000000000002400", c["CapInh"]);
        Assert.Equal("0000000000002400", c["CapAmb"]);
        Assert.EndsWith("1000", r.Stdout.Trim());
    }

    [Fact]
    public void A_non_root_user_without_ambient_capabilities_has_none_after_exec()
    {
        var b = _s.NewBundle().Shell(CapProbe);
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Names("CAP_NET_RAW"), ["effective"] = Names("CAP_NET_RAW"), ["permitted"] = Names("CAP_NET_RAW"),
        };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var c = Caps(r.Stdout);
        Assert.Equal("0000000000002000", c["CapBnd"]);
        Assert.Equal("0000000000000000", c["CapPrm"]);
        Assert.Equal("0000000000000000", c["CapEff"]);
        Assert.Equal("0000000000000000", c["CapAmb"]);
    }

    [Fact]
    public void An_empty_capabilities_object_leaves_every_set_empty()
    {
        var b = _s.NewBundle().Shell(CapProbe);
        b.Process["capabilities"] = new JsonObject();
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.All(Caps(r.Stdout).Values, v => Assert.Equal("0000000000000000", v));
    }

    [Fact]
    public void Every_capability_the_kernel_knows_can_be_granted()
    {
        // Every name `features` lists (those up to cap_last_cap), less what this test process itself lacks
        // (this VM's root has no CAP_SYS_RESOURCE): the bounding set is then exactly that mask.
        var features = JsonNode.Parse(RuntimeBinary.Run(["features"]).Stdout)!;
        var names = features["linux"]!["capabilities"]!.AsArray().Select(n => (string)n!).ToList();
        int last = int.Parse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(last + 1, names.Count);
        ulong own = ulong.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("CapBnd:")).Split(':')[1].Trim(), NumberStyles.HexNumber);
        var granted = names.Where(n => (own & (1UL << CapBit(n))) != 0).ToArray();
        ulong mask = granted.Aggregate(0UL, (m, n) => m | 1UL << CapBit(n));
        var b = _s.NewBundle().Shell(CapProbe);
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Names(granted), ["effective"] = Names(granted), ["permitted"] = Names(granted),
        };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(mask.ToString("x16"), Caps(r.Stdout)["CapBnd"]);
        Assert.Equal(mask.ToString("x16"), Caps(r.Stdout)["CapEff"]);
    }

    private static int CapBit(string name) =>
        OciRuntime.Interop.SpecKernelValues.TryGetCapabilityBit(name, out int bit) ? bit : throw new InvalidOperationException(name);

    [Fact]
    public void An_unknown_capability_name_is_an_error_naming_it()
    {
        var b = _s.NewBundle().Shell("true");
        b.Process["capabilities"] = new JsonObject { ["bounding"] = Names("CAP_CHOWN", "CAP_NOT_A_THING") };
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("CAP_NOT_A_THING", r.Stderr);
        Assert.Contains("process.capabilities.bounding[1]", r.Stderr);
    }

    // ---- user namespaces ----

    internal static Bundle UserNamespaceBundle(Bundle b)
    {
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
        b.Linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        b.Linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        return b;
    }

    private static JsonObject Range(uint container, uint host, uint size) =>
        new() { ["containerID"] = container, ["hostID"] = host, ["size"] = size };

    [Fact]
    public void Several_id_ranges_are_mapped_and_setgroups_stays_allowed_for_root()
    {
        var b = _s.NewBundle().Shell("cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -G");
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
        b.Linux["uidMappings"] = new JsonArray(Range(0, 200000, 1000), Range(1000, 201000, 1), Range(2000, 300000, 500));
        b.Linux["gidMappings"] = new JsonArray(Range(0, 200000, 1000), Range(1000, 201000, 1), Range(2000, 300000, 500));
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(2001) };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0 200000 1000", "1000 201000 1", "2000 300000 500",
                      "0 200000 1000", "1000 201000 1", "2000 300000 500", "allow", "1000", "1000 2001"], lines);
    }

    /// <summary>The other namespaces belong to the new user namespace: its root may change the hostname, mount,
    /// and configure the network there, which it could not if they were owned by the host's.</summary>
    [Fact]
    public void The_user_namespaces_root_owns_the_containers_other_namespaces()
    {
        var b = UserNamespaceBundle(_s.NewBundle().Shell(
            "hostname changed && hostname && mount -t tmpfs t /tmp && echo mounted && ip link set lo up && echo net && " +
            "ls /sys/fs/cgroup >/dev/null && echo cgroup"));
        b.Config["root"]!["readonly"] = false;
        string[] caps = ["CAP_SYS_ADMIN", "CAP_NET_ADMIN"];
        var set = new JsonArray(caps.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray());
        b.Process["capabilities"] = new JsonObject { ["bounding"] = set.DeepClone(), ["effective"] = set.DeepClone(), ["permitted"] = set.DeepClone() };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["changed", "mounted", "net", "cgroup"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void An_existing_user_namespace_is_joined_by_path_before_the_new_namespaces()
    {
        var first = UserNamespaceBundle(_s.NewBundle("sleep", "1000"));
        first.Save();
        string firstId = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", first.Dir, firstId).ExitCode);
        int pid = (int)_s.State(firstId)["pid"]!;
        string userNs = new FileInfo($"/proc/{pid}/ns/user").LinkTarget!;

        var second = _s.NewBundle().Shell("readlink /proc/self/ns/user; cat /proc/self/uid_map; id -u; readlink /proc/self/ns/mnt");
        var ns = second.Linux["namespaces"]!.AsArray();
        ns.Add(new JsonObject { ["type"] = "user", ["path"] = $"/proc/{pid}/ns/user" });
        var r = _s.Run(second);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(userNs, lines[0]);
        Assert.Equal("0 100000 65536", lines[1]);
        Assert.Equal("0", lines[2]);
        // Its own mount namespace, created inside (and owned by) the joined user namespace.
        Assert.NotEqual(new FileInfo($"/proc/{pid}/ns/mnt").LinkTarget, lines[3]);
    }

    // ---- AppArmor and SELinux ----

    private static bool AppArmorEnabled() =>
        File.Exists("/sys/module/apparmor/parameters/enabled") && File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y');

    private static bool SelinuxEnabled() => File.Exists("/sys/fs/selinux/enforce");

    [Fact]
    public void Features_report_the_lsms_as_the_host_has_them()
    {
        var f = JsonNode.Parse(RuntimeBinary.Run(["features"]).Stdout)!;
        Assert.Equal(AppArmorEnabled(), (bool)f["linux"]!["apparmor"]!["enabled"]!);
        Assert.Equal(SelinuxEnabled(), (bool)f["linux"]!["selinux"]!["enabled"]!);
    }

    [SkippableFact]
    public void An_apparmor_profile_without_apparmor_is_an_error_and_an_empty_one_is_none()
    {
        Skip.If(AppArmorEnabled(), "AppArmor is enabled on this host: the refusal without it cannot be shown");
        var b = _s.NewBundle().Shell("true");
        b.Process["apparmorProfile"] = "ocirun-test-profile";
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.apparmorProfile", r.Stderr);

        b = _s.NewBundle().Shell("true");
        b.Process["apparmorProfile"] = "";
        r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    [SkippableFact]
    public void A_selinux_label_without_selinux_is_an_error_and_an_empty_one_is_none()
    {
        Skip.If(SelinuxEnabled(), "SELinux is enabled on this host: the refusal without it cannot be shown");
        var b = _s.NewBundle().Shell("true");
        b.Process["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2";
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.selinuxLabel", r.Stderr);

        b = _s.NewBundle().Shell("true");
        b.Process["selinuxLabel"] = "";
        r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    // ---- state directory and ids ----

    [Fact]
    public void The_state_directory_is_0700_and_owned_by_the_caller()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        foreach (var dir in new[] { _s.Root, Path.Join(_s.Root, id) })
        {
            Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(dir));
            Assert.Equal("0", Exec.Capture("stat", "-c", "%u", dir).Trim());
        }
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("with space")]
    [InlineData("semi;colon")]
    [InlineData("")]
    public void Ids_outside_the_allowed_characters_are_refused(string id)
    {
        var b = _s.NewBundle("true");
        b.Save();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("id", r.Stderr);
        Assert.False(Directory.Exists(Path.Join(_s.Root, "..", "escape")));
        if (id.Length > 0) Assert.Contains("container id", _s.Oci("state", id).Stderr);
    }
}
