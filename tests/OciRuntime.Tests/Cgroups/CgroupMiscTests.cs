using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CgroupMiscTests
{
    private const string Hybrid = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """;

    [Fact]
    public void Detects_hybrid_legacy_unified()
    {
        var lines = Hybrid.Split('\n');
        var h = CgroupLayout.Parse(lines);
        Assert.Equal(CgroupMode.Hybrid, h.Mode);
        Assert.Equal("/sys/fs/cgroup/memory", h.V1For("memory")!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/unified", h.V2!.MountPoint);
        Assert.Null(h.V1For("net_cls"));
        Assert.Equal(CgroupMode.Legacy, CgroupLayout.Parse(lines.Where(l => !l.Contains("cgroup2"))).Mode);
        Assert.Equal(CgroupMode.Unified, CgroupLayout.Parse(["30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate"]).Mode);
    }

    [Fact]
    public void A_hierarchy_mounted_twice_counts_once()
    {
        // Another container's /sys/fs/cgroup, mounted later in the host's namespace: the first mounts stay the ones used.
        var lines = Hybrid.Split('\n').Concat([
            "900 1 0:33 / /tmp/other/rootfs/sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu",
            "901 1 0:30 / /tmp/other/rootfs/sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
        ]);
        var h = CgroupLayout.Parse(lines);
        Assert.Equal(Hybrid.Split('\n').Count(l => l.Contains(" - cgroup")), h.Hierarchies.Count);
        Assert.Equal("/sys/fs/cgroup/cpu", h.V1For("cpu")!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/unified", h.V2!.MountPoint);
        // Before, the factory keyed the hierarchies by controller and threw on the second "cpu".
        Assert.Equal("/sys/fs/cgroup/cpu/x", ((V1Manager)CgroupManagerFactory.Create(h, "/x", "c1", () => [])).DirOf("cpu"));
    }

    [Fact]
    public void Cgroups_path_absolute_relative_default()
    {
        var own = CgroupPaths.OwnCgroups(["4:memory:/process_api/abc", "1:cpu:/", "0::/user.slice"]);
        Func<string, string> ownOf = k => own.TryGetValue(k, out var p) ? p : "/";
        Assert.Equal("/ocirun/c1", CgroupPaths.Resolve(null, "c1", ownOf, "memory"));
        Assert.Equal("/x/y", CgroupPaths.Resolve("/x/./y", "c1", ownOf, "memory"));
        Assert.Equal("/process_api/abc/sub", CgroupPaths.Resolve("sub", "c1", ownOf, "memory"));
        Assert.Equal("/user.slice/sub", CgroupPaths.Resolve("sub", "c1", ownOf, ""));
        Assert.Equal("/x", CgroupPaths.Resolve("/../../x", "c1", ownOf, "memory"));
    }

    [Fact]
    public void Factory_resolves_per_hierarchy()
    {
        var layout = CgroupLayout.Parse(Hybrid.Split('\n'));
        var m = (V1Manager)CgroupManagerFactory.Create(layout, "rel", "c1", () => new() { ["memory"] = "/mine", ["cpu"] = "/" });
        Assert.Equal("/sys/fs/cgroup/memory/mine/rel", m.DirOf("memory"));
        Assert.Equal("/sys/fs/cgroup/cpu/rel", m.DirOf("cpu"));
        // The recorded path round-trips: a later command in another cgroup finds the same directories.
        Assert.Equal("@per-hierarchy:=/rel;cpu=/rel;memory=/mine/rel;name=systemd=/rel", m.Path);
        var again = (V1Manager)CgroupManagerFactory.Create(layout, m.Path, "c1", () => throw new InvalidOperationException("must not look"));
        Assert.Equal("/sys/fs/cgroup/memory/mine/rel", again.DirOf("memory"));
        Assert.Equal("/sys/fs/cgroup/cpu/rel", again.DirOf("cpu"));
        Assert.Equal("/mine/rel", CgroupPaths.PathIn(m.Path, layout.V1For("memory")!));
        Assert.Equal("/rel", CgroupPaths.PathIn(m.Path, layout.V2!));
        Assert.Equal("/ocirun/c1", CgroupManagerFactory.Create(layout, null, "c1", () => new() { ["memory"] = "/mine" }).Path);
        Assert.Equal("/x", CgroupPaths.PathIn("/x", layout.V2!));
        var u = CgroupManagerFactory.Create(CgroupLayout.Parse(["30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw"]), null, "c1", () => []);
        Assert.Equal("/sys/fs/cgroup/ocirun/c1", ((V2Manager)u).Dir);
    }

    [Theory]
    [InlineData("512", 512L)]
    [InlineData("100k", 102400L)]
    [InlineData("64m", 67108864L)]
    [InlineData("64MB", 67108864L)]
    [InlineData("1g", 1073741824L)]
    [InlineData("1.5GiB", 1610612736L)]
    [InlineData("-1", -1L)]
    public void Update_sizes_parse_like_runc(string text, long bytes) => Assert.Equal(bytes, ResourceUpdate.ParseBytes(text, "--memory"));

    [Fact]
    public void Bad_size_names_the_flag() => Assert.Contains("--memory", Assert.Throws<RuntimeError>(() => ResourceUpdate.ParseBytes("12x", "--memory")).Message);

    [Fact]
    public void Durations()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), ResourceUpdate.ParseDuration("5s", "--interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), ResourceUpdate.ParseDuration("500ms", "--interval"));
        Assert.Equal(TimeSpan.FromSeconds(90), ResourceUpdate.ParseDuration("1m30s", "--interval"));
        Assert.Throws<RuntimeError>(() => ResourceUpdate.ParseDuration("5", "--interval"));
        Assert.Throws<RuntimeError>(() => ResourceUpdate.ParseDuration("0s", "--interval"));
    }

    [Fact]
    public void Update_merges_into_the_stored_resources()
    {
        var current = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 100, Swap = 200 },
            CPU = new LinuxCPU { Shares = 10, Cpus = "0" },
            Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }],
        };
        var update = new LinuxResources { Memory = new LinuxMemory { Limit = 150 }, Pids = new LinuxPids { Limit = 3 }, CPU = new LinuxCPU { Quota = 1000 } };
        var merged = ResourceUpdate.Merge(current, update);
        Assert.Equal(150, merged.Memory!.Limit);
        Assert.Equal(200, merged.Memory.Swap);
        Assert.Equal(10UL, merged.CPU!.Shares);
        Assert.Equal(1000, merged.CPU.Quota);
        Assert.Equal("0", merged.CPU.Cpus);
        Assert.Equal(3, merged.Pids!.Limit);
        Assert.Single(merged.Devices!);
        var delta = ResourceUpdate.Delta(new LinuxResources { Memory = new LinuxMemory { Swap = 400 } }, ResourceUpdate.Merge(current, new LinuxResources { Memory = new LinuxMemory { Swap = 400 } }));
        Assert.Equal(100, delta.Memory!.Limit);
    }

    [Fact]
    public void Ps_table_keeps_the_header_and_the_container_pids()
    {
        string ps = "UID          PID    PPID  C STIME TTY          TIME CMD\nroot           1       0  0 07:00 ?        00:00:01 /sbin/init\nroot         42       1  0 07:00 ?        00:00:00 sleep 100\nroot        420       1  0 07:00 ?        00:00:00 sh\n";
        Assert.Equal("UID          PID    PPID  C STIME TTY          TIME CMD\nroot         42       1  0 07:00 ?        00:00:00 sleep 100\n", PsCommand.Table(ps, [42]));
        Assert.Throws<RuntimeError>(() => PsCommand.Table("USER CMD\n", [1]));
    }
}
