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
}
