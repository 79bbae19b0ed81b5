using OciRuntime.Cgroups;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

/// <summary>The managers' Set/Update/Stats against a temporary directory laid out like cgroupfs.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManagerFakeTreeTests : IDisposable
{
    private readonly FakeTree _t = new();
    public void Dispose() => _t.Dispose();

    [Fact]
    public void V1_set_writes_each_controller_file()
    {
        _t.With("memory", "memory.limit_in_bytes", "9223372036854771712").With("memory", "memory.memsw.limit_in_bytes", "9223372036854771712")
          .With("memory", "memory.swappiness", "60")
          .With("cpu", "cpu.shares", "1024").With("cpu", "cpu.cfs_quota_us", "-1").With("cpu", "cpu.cfs_period_us", "100000")
          .With("pids", "pids.max", "max").With("devices", "devices.allow").With("devices", "devices.deny")
          .With("cpuset", "cpuset.cpus", "0-1").With("cpuset", "cpuset.mems", "0");
        var m = _t.V1("memory", "cpu", "pids", "devices", "cpuset");
        m.Set(new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 64 << 20, Swap = 128 << 20, Swappiness = 0 },
            CPU = new LinuxCPU { Shares = 512, Quota = 20000, Period = 100000, Cpus = "1", Mems = "0" },
            Pids = new LinuxPids { Limit = 10 },
            Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }],
        });
        Assert.Equal((64 << 20).ToString(), _t.Read("memory", "memory.limit_in_bytes"));
        Assert.Equal((128 << 20).ToString(), _t.Read("memory", "memory.memsw.limit_in_bytes"));
        Assert.Equal("0", _t.Read("memory", "memory.swappiness"));
        Assert.Equal("512", _t.Read("cpu", "cpu.shares"));
        Assert.Equal("20000", _t.Read("cpu", "cpu.cfs_quota_us"));
        Assert.Equal("10", _t.Read("pids", "pids.max"));
        Assert.Equal("1", _t.Read("cpuset", "cpuset.cpus"));
        // A regular file keeps the last write: the last exception of the default list.
        Assert.Equal("c 10:200 rwm", _t.Read("devices", "devices.allow"));
        Assert.Equal("a", _t.Read("devices", "devices.deny"));
    }

    [Fact]
    public void V1_absent_controller_is_an_error_only_for_non_default_values()
    {
        var m = _t.V1("memory");
        m.Set(new LinuxResources { Pids = new LinuxPids { Limit = 0 }, CPU = new LinuxCPU { Shares = 0 }, Network = new LinuxNetwork { ClassID = 0 } });
        var e = Assert.Throws<RuntimeError>(() => m.Set(new LinuxResources { Network = new LinuxNetwork { ClassID = 7 } }));
        Assert.StartsWith("linux.resources.network.classID: the net_cls controller is not available", e.Message);
        e = Assert.Throws<RuntimeError>(() => m.Set(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
        Assert.StartsWith("linux.resources.pids.limit:", e.Message);
    }

    [Fact]
    public void V1_missing_file_error_names_field_and_file()
    {
        var m = _t.V1("memory", "devices");
        _t.With("devices", "devices.allow").With("devices", "devices.deny");
        var e = Assert.Throws<RuntimeError>(() => m.Set(new LinuxResources { Memory = new LinuxMemory { Reservation = 5 } }));
        Assert.Equal($"linux.resources.memory.reservation: write 5 to {_t.Dir("memory")}/memory.soft_limit_in_bytes: No such file or directory", e.Message);
    }

    [Fact]
    public void V1_update_leaves_devices_alone_unless_given()
    {
        _t.With("pids", "pids.max", "max").With("devices", "devices.allow", "untouched").With("devices", "devices.deny", "untouched");
        var m = _t.V1("pids", "devices");
        m.Update(new LinuxResources { Pids = new LinuxPids { Limit = 7 } });
        Assert.Equal("7", _t.Read("pids", "pids.max"));
        Assert.Equal("untouched", _t.Read("devices", "devices.allow"));
    }

    [Fact]
    public void V2_set_writes_enabled_controllers_and_refuses_others()
    {
        foreach (var f in new[] { "memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "pids.max", "io.max", "memory.high" })
            _t.With("", f, "");
        var m = _t.V2("memory", "cpu", "pids", "io");
        m.Set(new LinuxResources
        {
            Memory = new LinuxMemory { Limit = 100 << 20, Swap = 150 << 20, Reservation = 10 << 20 },
            CPU = new LinuxCPU { Shares = 2048, Quota = 50000, Period = 100000 },
            Pids = new LinuxPids { Limit = 20 },
            BlockIO = new LinuxBlockIO { ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 254, Minor = 0, Rate = 1000000 }] },
            Unified = new() { ["memory.high"] = "90000000" },
        });
        Assert.Equal((100 << 20).ToString(), _t.Read("", "memory.max"));
        Assert.Equal((50 << 20).ToString(), _t.Read("", "memory.swap.max"));
        Assert.Equal((10 << 20).ToString(), _t.Read("", "memory.low"));
        Assert.Equal("79", _t.Read("", "cpu.weight"));
        Assert.Equal("50000 100000", _t.Read("", "cpu.max"));
        Assert.Equal("20", _t.Read("", "pids.max"));
        Assert.Equal("254:0 rbps=1000000", _t.Read("", "io.max"));
        Assert.Equal("90000000", _t.Read("", "memory.high"));

        var e = Assert.Throws<RuntimeError>(() => m.Update(new LinuxResources { HugepageLimits = [new LinuxHugepageLimit { Pagesize = "2MB", Limit = 1 }] }));
        Assert.StartsWith("linux.resources.hugepageLimits[0].limit: the hugetlb controller is not available", e.Message);
        e = Assert.Throws<RuntimeError>(() => m.Update(new LinuxResources { CPU = new LinuxCPU { RealtimeRuntime = 1000 } }));
        Assert.StartsWith("linux.resources.cpu.realtimeRuntime:", e.Message);
        e = Assert.Throws<RuntimeError>(() => m.Update(new LinuxResources { Unified = new() { ["hugetlb.2MB.max"] = "1" } }));
        Assert.StartsWith("linux.resources.unified[\"hugetlb.2MB.max\"]:", e.Message);
    }

    [Fact]
    public void V1_stats_from_files()
    {
        _t.With("memory", "memory.usage_in_bytes", "123456\n").With("memory", "memory.limit_in_bytes", "1048576\n").With("memory", "memory.failcnt", "3\n")
          .With("memory", "memory.max_usage_in_bytes", "200000\n").With("memory", "memory.stat", "cache 4096\nrss 8192\n")
          .With("cpuacct", "cpuacct.usage", "5000000\n").With("cpuacct", "cpuacct.usage_percpu", "2000000 3000000 \n").With("cpuacct", "cpuacct.stat", "user 10\nsystem 5\n")
          .With("cpu", "cpu.stat", "nr_periods 7\nnr_throttled 2\nthrottled_time 99\n")
          .With("pids", "pids.current", "2\n").With("pids", "pids.max", "max\n")
          .With("cpuset", "cpuset.cpus", "0-2,5\n")
          .With("blkio", "blkio.throttle.io_service_bytes_recursive", "254:0 Read 4096\n254:0 Write 0\nTotal 4096\n");
        var m = _t.V1("memory", "cpuacct", "cpu", "pids", "cpuset", "blkio");
        var s = m.Stats();
        Assert.Equal(123456UL, s.Memory.Usage.Usage);
        Assert.Equal(1048576UL, s.Memory.Usage.Limit);
        Assert.Equal(3UL, s.Memory.Usage.Failcnt);
        Assert.Equal(4096UL, s.Memory.Cache);
        Assert.Equal(8192UL, s.Memory.Raw!["rss"]);
        Assert.Equal(5000000UL, s.Cpu.Usage.Total);
        Assert.Equal([2000000UL, 3000000UL], s.Cpu.Usage.Percpu!);
        Assert.Equal(100_000_000UL, s.Cpu.Usage.User);
        Assert.Equal(2UL, s.Cpu.Throttling.ThrottledPeriods);
        Assert.Equal(2UL, s.Pids.Current);
        Assert.Equal(0UL, s.Pids.Limit);
        Assert.Equal([(ushort)0, 1, 2, 5], s.CpuSet.Cpus!);
        Assert.Equal(2, s.Blkio.IoServiceBytesRecursive!.Count);
        string json = System.Text.Json.JsonSerializer.Serialize(new CgroupEvent { Id = "x", Data = s }, CgroupJsonContext.Default.CgroupEvent);
        Assert.StartsWith("{\"type\":\"stats\",\"id\":\"x\",\"data\":{\"cpu\":{\"usage\":{\"total\":5000000,", json);
        Assert.Contains("\"memory\":{\"cache\":4096,\"usage\":{\"limit\":1048576,\"usage\":123456,\"max\":200000,\"failcnt\":3}", json);
    }

    [Fact]
    public void V2_stats_from_files()
    {
        _t.With("", "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n").With("", "memory.current", "4096\n").With("", "memory.max", "max\n")
          .With("", "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n").With("", "memory.stat", "anon 4096\nfile 0\n")
          .With("", "pids.current", "1\n").With("", "pids.max", "50\n").With("", "io.stat", "254:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0\n");
        var s = _t.V2("memory", "pids").Stats();
        Assert.Equal(1_500_000UL, s.Cpu.Usage.Total);
        Assert.Equal(4096UL, s.Memory.Usage.Usage);
        Assert.Equal(ulong.MaxValue, s.Memory.Usage.Limit);
        Assert.Equal(4UL, s.Memory.Usage.Failcnt);
        Assert.Equal(50UL, s.Pids.Limit);
        Assert.Equal(["Read 100", "Write 200"], s.Blkio.IoServiceBytesRecursive!.Select(e => $"{e.Op} {e.Value}"));
    }

    [Fact]
    public void Oom_watcher_reports_counter_increases_only()
    {
        ulong kills = 0;
        bool exists = true;
        using var w = OomWatcher.ForCounters(() => exists ? (kills, false) : null);
        Assert.False(w.Check(out bool gone));
        Assert.False(gone);
        kills = 1;
        Assert.True(w.Check(out _));
        Assert.False(w.Check(out _));
        exists = false;
        Assert.False(w.Check(out gone));
        Assert.True(gone);
    }

    [Fact]
    public void V2_oom_watcher_wakes_on_memory_events_and_reports_only_oom_kills()
    {
        _t.With("", "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
        var m = _t.V2("memory");
        using var w = m.WatchOom()!;
        Assert.False(Readable(w.Fd, 0));
        File.WriteAllText(Path.Join(_t.Dir(""), "memory.events"), "low 0\nhigh 3\nmax 5\noom 0\noom_kill 0\n");
        Assert.True(Readable(w.Fd, 2000));
        Assert.False(w.Check(out _));
        File.WriteAllText(Path.Join(_t.Dir(""), "memory.events"), "low 0\nhigh 3\nmax 9\noom 1\noom_kill 1\n");
        Assert.True(Readable(w.Fd, 2000));
        Assert.True(w.Check(out bool gone));
        Assert.False(gone);
        Assert.False(Readable(w.Fd, 0));
    }

    private static bool Readable(int fd, int ms)
    {
        Span<OciRuntime.Interop.Sys.PollFd> fds = [new OciRuntime.Interop.Sys.PollFd { Fd = fd, Events = OciRuntime.Interop.Sys.POLLIN }];
        return OciRuntime.Interop.Sys.TryPoll(fds, ms) > 0;
    }

    [Fact]
    public void Destroy_removes_child_cgroups_first()
    {
        var m = _t.V2();
        File.Delete(Path.Join(_t.Dir(""), "cgroup.controllers"));
        Directory.CreateDirectory(Path.Join(_t.Dir(""), "child", "grandchild"));
        m.Destroy();
        Assert.False(Directory.Exists(_t.Dir("")));
    }
}
