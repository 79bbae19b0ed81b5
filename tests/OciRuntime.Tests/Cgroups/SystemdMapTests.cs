using OciRuntime.Cgroups;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

/// <summary>--systemd-cgroup's pure parts: slice:prefix:name → unit and cgroup path; resources → unit properties.</summary>
public sealed class SystemdMapTests
{
    [Theory]
    [InlineData("system.slice:docker:abc", "system.slice", "docker-abc.scope", "/system.slice/docker-abc.scope")]
    [InlineData(":crio:abc", "system.slice", "crio-abc.scope", "/system.slice/crio-abc.scope")]
    [InlineData("machine-libpod.slice::abc", "machine-libpod.slice", "abc.scope", "/machine.slice/machine-libpod.slice/abc.scope")]
    [InlineData("a-b-c.slice:p:n", "a-b-c.slice", "p-n.scope", "/a.slice/a-b.slice/a-b-c.slice/p-n.scope")]
    [InlineData("-.slice:p:n", "-.slice", "p-n.scope", "/p-n.scope")]
    [InlineData("system.slice:p:my.slice", "system.slice", "my.slice", "/system.slice/my.slice")]
    public void Path_to_unit_and_cgroup(string path, string slice, string unit, string cgroup)
    {
        var u = SystemdCgroupPath.Parse(path, "id");
        Assert.Equal((slice, unit, cgroup), (u.Slice, u.Unit, u.CgroupPath));
        // The record keeps enough to find the unit again, and init sees the plain cgroupfs path.
        Assert.Equal(u, SystemdCgroupPath.FromRecorded(u.Recorded));
        Assert.Equal(cgroup, SystemdCgroupPath.Strip(u.Recorded));
    }

    [Fact]
    public void No_path_is_a_scope_named_for_the_container() =>
        Assert.Equal("ocirun-abc.scope", SystemdCgroupPath.Parse(null, "abc").Unit);

    [Theory]
    [InlineData("/not/systemd", "is not slice:prefix:name")]
    [InlineData("system.slice:p", "is not slice:prefix:name")]
    [InlineData("system.slice:p:", "is not slice:prefix:name")]
    [InlineData("system:p:n", "must end in .slice")]
    [InlineData("a--b.slice:p:n", "not a valid slice name")]
    [InlineData("-a.slice:p:n", "not a valid slice name")]
    public void Bad_paths_name_the_field(string path, string message)
    {
        var e = Assert.Throws<RuntimeError>(() => SystemdCgroupPath.Parse(path, "id"));
        Assert.StartsWith("linux.cgroupsPath: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_plain_record_is_not_systemd()
    {
        Assert.Null(SystemdCgroupPath.FromRecorded("/ocirun/abc"));
        Assert.Equal("/ocirun/abc", SystemdCgroupPath.Strip("/ocirun/abc"));
    }

    private static string[] Lines(IEnumerable<SystemdProperty> props) => props.Select(p => $"{p.Name}={Show(p.Value)}").ToArray();

    private static string Show(SystemdValue v) => v switch
    {
        SystemdValue.UInt64 u => u.Value == SystemdProperties.Infinity ? "infinity" : u.Value.ToString(),
        SystemdValue.Bytes b => Convert.ToHexString(b.Value),
        SystemdValue.Str s => s.Value,
        SystemdValue.Bool b => b.Value ? "yes" : "no",
        SystemdValue.UInt32Array a => string.Join(',', a.Value),
        SystemdValue.StringPairs sp => string.Join(", ", sp.Value.Select(e => $"{e.Item1} {e.Item2}")),
        _ => v.ToString(),
    };

    [Fact]
    public void Resources_become_properties_as_runc_maps_them()
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 64 << 20, Reservation = 32 << 20, Swap = 128 << 20 },
            CPU = new LinuxCPU { Shares = 1024, Quota = 50000, Period = 100000, Cpus = "0-2,9", Mems = "0" },
            Pids = new LinuxPids { Limit = 42 },
        };
        Assert.Equal(
        [
            "MemoryMax=67108864", "MemoryLow=33554432", "MemorySwapMax=67108864",
            "CPUWeight=39", "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=500000",
            "AllowedCPUs=0702", "AllowedMemoryNodes=01", "TasksMax=42",
        ], Lines(SystemdProperties.Resources(r)));
    }

    [Fact]
    public void Unlimited_values_are_infinity()
    {
        var r = new LinuxResources { Memory = new LinuxMemory { Limit = -1 }, Pids = new LinuxPids { Limit = -1 }, CPU = new LinuxCPU { Quota = -1, Period = 100000 } };
        Assert.Equal(["MemoryMax=infinity", "MemorySwapMax=infinity", "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=infinity", "TasksMax=infinity"],
            Lines(SystemdProperties.Resources(r)));
    }

    [Theory]
    [InlineData(50000L, 100000UL, 500000UL)]
    [InlineData(12345L, 100000UL, 130000UL)] // 123450 µs/s, rounded up to systemd's 10 ms steps
    [InlineData(1000L, 0UL, 10000UL)]       // no period: the kernel's 100 ms
    [InlineData(0L, 100000UL, ulong.MaxValue)]
    public void Quota_per_second(long quota, ulong period, ulong expected) =>
        Assert.Equal(expected, SystemdProperties.QuotaPerSecond(quota, period));

    [Fact]
    public void An_idle_group_gets_no_weight() =>
        Assert.DoesNotContain(SystemdProperties.Resources(new LinuxResources { CPU = new LinuxCPU { Shares = 1024, Idle = 1 } }), p => p.Name == "CPUWeight");

    [Theory]
    [InlineData("x")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    public void A_bad_cpu_list_names_the_field(string list) =>
        Assert.Contains("linux.resources.cpu.cpus", Assert.Throws<RuntimeError>(() => SystemdProperties.Bitmask(list, "linux.resources.cpu.cpus")).Message);

    [Fact]
    public void The_scope_is_delegated_and_holds_the_pid()
    {
        var p = Lines(SystemdProperties.Scope("system.slice", "d", 1234));
        Assert.Contains("Delegate=yes", p);
        Assert.Contains("PIDs=1234", p);
        Assert.Contains("Slice=system.slice", p);
    }

    // runc's defaults as the unit holds them: mknod of anything, then each default device by path, /dev/pts/* by major.
    private const string DefaultAllow = "char-* m, block-* m, /dev/char/1:3 rwm, /dev/char/1:8 rwm, /dev/char/1:7 rwm, " +
        "/dev/char/5:0 rwm, /dev/char/1:5 rwm, /dev/char/1:9 rwm, /dev/char/5:1 rwm, char-136 rwm, /dev/char/5:2 rwm, /dev/char/10:200 rwm";

    [Fact]
    public void Devices_become_a_strict_allow_list()
    {
        LinuxDeviceCgroup[] config =
        [
            new() { Allow = false, Access = "rwm" },
            new() { Allow = true, Type = "b", Major = 8, Minor = 0, Access = "r" },
            new() { Allow = true, Type = "c", Major = 4, Access = "rw" },
            new() { Allow = true, Type = "c", Minor = 7, Access = "r" }, // "*:7": no systemd form, left to the eBPF filter
        ];
        Assert.Equal(["DeviceAllow=", "DevicePolicy=strict", "DeviceAllow=/dev/block/8:0 r, char-4 rw, " + DefaultAllow],
            Lines(SystemdProperties.Devices(config)));
    }

    [Fact]
    public void No_device_rules_allow_only_the_defaults() =>
        Assert.Equal(["DeviceAllow=", "DevicePolicy=strict", "DeviceAllow=" + DefaultAllow], Lines(SystemdProperties.Devices(null)));

    [Fact]
    public void Allow_all_is_policy_auto() =>
        Assert.Equal(["DevicePolicy=auto", "DeviceAllow="],
            Lines(SystemdProperties.Devices([new() { Allow = true, Access = "rwm" }])));

    [Fact]
    public void A_deny_list_is_strict_and_empty_for_systemd() =>
        // systemd has no deny entries: runc leaves it deny-all and lets its own filter carry the exceptions.
        Assert.Equal(["DeviceAllow=", "DevicePolicy=strict"],
            Lines(SystemdProperties.Devices([new() { Allow = true, Access = "rwm" }, new() { Allow = false, Type = "b", Major = 8, Minor = 0, Access = "rwm" }])));

    [Fact]
    public void A_bad_device_rule_names_the_field() =>
        Assert.Contains("linux.resources.devices[0].access",
            Assert.Throws<RuntimeError>(() => SystemdProperties.Devices([new() { Allow = true, Type = "c", Major = 1, Minor = 3, Access = "x" }])).Message);

    [Fact]
    public void V1_resources_take_systemds_v1_names()
    {
        var r = new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 64 << 20, Reservation = 32 << 20 },
            CPU = new LinuxCPU { Shares = 512, Quota = 50000, Period = 100000, Cpus = "0" },
            BlockIO = new LinuxBlockIO { Weight = 300 },
            Pids = new LinuxPids { Limit = 42 },
        };
        // The reservation has no v1 property (memory.soft_limit_in_bytes is written as a file), as in runc.
        Assert.Equal(
        [
            "MemoryLimit=67108864", "CPUShares=512", "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=500000",
            "BlockIOWeight=300", "TasksMax=42", "AllowedCPUs=01",
        ], Lines(SystemdProperties.ResourcesV1(r)));
    }

    [Fact]
    public void V1_unlimited_values_are_infinity() =>
        Assert.Equal(["MemoryLimit=infinity", "TasksMax=infinity"],
            Lines(SystemdProperties.ResourcesV1(new LinuxResources { Memory = new LinuxMemory { Limit = -1 }, Pids = new LinuxPids { Limit = 0 } })));

    [Fact]
    public void A_v1_scope_accounts_io_as_blkio()
    {
        var p = Lines(SystemdProperties.Scope("system.slice", "d", 1, v1: true));
        Assert.Contains("BlockIOAccounting=yes", p);
        Assert.DoesNotContain("IOAccounting=yes", p);
        Assert.Contains("IOAccounting=yes", Lines(SystemdProperties.Scope("system.slice", "d", 1)));
    }

    [Fact]
    public void Unified_keys_with_a_property_become_properties()
    {
        var unified = new Dictionary<string, string>
        {
            ["pids.max"] = "42", ["memory.max"] = "67108864", ["memory.high"] = " 50331648\n", ["memory.low"] = "max",
            ["memory.min"] = "1048576", ["memory.swap.max"] = "0", ["cpu.weight"] = "200", ["cpu.max"] = "12345 100000",
            ["cpuset.cpus"] = "0-1", ["cpuset.mems"] = "0",
            // No property: left to the files.
            ["memory.oom.group"] = "1", ["io.weight"] = "default 100", ["cpu.idle"] = "0",
        };
        Assert.Equal(
        [
            "CPUQuotaPeriodUSec=100000", "CPUQuotaPerSecUSec=130000", "CPUWeight=200", "AllowedCPUs=03", "AllowedMemoryNodes=01",
            "MemoryHigh=50331648", "MemoryLow=infinity", "MemoryMax=67108864", "MemoryMin=1048576", "MemorySwapMax=0", "TasksMax=42",
        ], Lines(SystemdUnifiedProperties.From(unified)));
    }

    [Theory]
    [InlineData("max", "CPUQuotaPerSecUSec=infinity")]
    [InlineData("max 50000", "CPUQuotaPeriodUSec=50000")]
    [InlineData("25000 50000", "CPUQuotaPerSecUSec=500000")]
    [InlineData("50000", "CPUQuotaPeriodUSec=100000")]
    public void Unified_cpu_max_is_quota_per_second(string value, string expected) =>
        Assert.Contains(expected, Lines(SystemdUnifiedProperties.From(new Dictionary<string, string> { ["cpu.max"] = value })));

    [Fact]
    public void Unified_keys_follow_the_resources_so_they_win() =>
        // runc appends them last: systemd keeps the last value of a property set twice.
        Assert.Equal(["MemoryMax=67108864", "MemoryMax=1048576"],
            Lines(SystemdProperties.Resources(new LinuxResources
            {
                Memory = new LinuxMemory { Limit = 64 << 20 },
                Unified = new Dictionary<string, string> { ["memory.max"] = "1048576" },
            })));

    [Fact]
    public void An_idle_unified_group_gets_no_weight() =>
        Assert.Empty(SystemdUnifiedProperties.From(new Dictionary<string, string> { ["cpu.idle"] = "1", ["cpu.weight"] = "100" }));

    [Theory]
    [InlineData("memory.max", "64M", "is not a number or max")]
    [InlineData("pids.max", "-1", "is not a number or max")]
    [InlineData("cpu.weight", "max", "is not a number")]
    [InlineData("cpu.max", "1 2 3", "is not \"QUOTA [PERIOD]\"")]
    [InlineData("cpu.max", "max x", "is not a number")]
    [InlineData("cpuset.cpus", "0-x", "is not a list of numbers")]
    public void A_bad_unified_value_names_the_key(string key, string value, string message)
    {
        var e = Assert.Throws<RuntimeError>(() => SystemdUnifiedProperties.From(new Dictionary<string, string> { [key] = value }));
        Assert.StartsWith($"linux.resources.unified[\"{key}\"]: ", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void A_v1_host_gets_the_v1_driver_and_finds_it_again()
    {
        var hybrid = CgroupLayout.Parse([
            "30 1 0:26 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw",
            "31 1 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory",
            "32 1 0:28 / /sys/fs/cgroup/freezer rw - cgroup cgroup rw,freezer",
        ]);
        var m = CgroupManagerFactory.Create(hybrid, "system.slice:p:n", "id", () => throw new InvalidOperationException("must not look"), systemd: true);
        Assert.IsType<SystemdV1Manager>(m);
        Assert.Equal("@systemd:system.slice:/system.slice/p-n.scope", m.Path);
        // Every command after create finds the unit from the record, without --systemd-cgroup on its command line.
        Assert.IsType<SystemdV1Manager>(CgroupManagerFactory.Create(hybrid, m.Path, "id", () => [], systemd: false));
        // And the container's directories are the scope's path in each hierarchy, those systemd does not manage too.
        Assert.Equal("/system.slice/p-n.scope", CgroupPaths.PathIn(m.Path, hybrid.V1For("freezer")!));
        var unified = CgroupLayout.Parse(["30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw"]);
        Assert.IsType<SystemdManager>(CgroupManagerFactory.Create(unified, "system.slice:p:n", "id", () => [], systemd: true));
    }

    [Fact]
    public void Unified_keys_on_a_v1_scope_are_refused_before_systemd_is_asked()
    {
        var hybrid = CgroupLayout.Parse(["31 1 0:27 / /nonexistent-ocirun-test/memory rw - cgroup cgroup rw,memory"]);
        var m = CgroupManagerFactory.Create(hybrid, "system.slice:p:n", "id", () => [], systemd: true);
        var e = Assert.Throws<RuntimeError>(() => m.Set(new LinuxResources { Unified = new() { ["pids.max"] = "1" } }));
        Assert.StartsWith("linux.resources.unified: needs cgroup v2", e.Message);
    }
}
