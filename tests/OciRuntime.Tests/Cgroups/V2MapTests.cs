using OciRuntime.Cgroups;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class V2MapTests
{
    private static string[] Lines(IEnumerable<CgroupWrite> w) => w.Select(x => $"{x.Controller}/{x.File}={x.Value}").ToArray();

    [Theory]
    [InlineData(0UL, 0UL)]
    [InlineData(2UL, 1UL)]
    [InlineData(1024UL, 39UL)]
    [InlineData(262144UL, 10000UL)]
    [InlineData(1UL, 1UL)]
    [InlineData(1000000UL, 10000UL)]
    public void Shares_convert_to_weight_as_runc(ulong shares, ulong weight) => Assert.Equal(weight, V2Map.SharesToWeight(shares));

    [Theory]
    [InlineData(0L, 100L, 0L)]
    [InlineData(0L, -1L, -1L)]
    [InlineData(-1L, 100L, -1L)]
    [InlineData(300L, 100L, 200L)]
    [InlineData(100L, 100L, 0L)]
    public void Swap_converts_to_swap_only(long swap, long memory, long expected) => Assert.Equal(expected, V2Map.SwapToV2(swap, memory));

    [Fact]
    public void Swap_below_memory_or_without_memory_is_an_error()
    {
        Assert.Contains("memory.swap", Assert.Throws<RuntimeError>(() => V2Map.SwapToV2(50, 100)).Message);
        Assert.Contains("memory.swap", Assert.Throws<RuntimeError>(() => V2Map.SwapToV2(50, 0)).Message);
    }

    [Fact]
    public void Memory()
    {
        Assert.Equal(["memory/memory.swap.max=100", "memory/memory.max=200", "memory/memory.low=50"],
            Lines(V2Map.Memory(new LinuxMemory { Limit = 200, Swap = 300, Reservation = 50 }, new MapView())));
        Assert.Equal(["memory/memory.swap.max=0", "memory/memory.max=200"], Lines(V2Map.Memory(new LinuxMemory { Limit = 200, Swap = 200 }, new MapView())));
        Assert.Equal(["memory/memory.swap.max=max", "memory/memory.max=max"], Lines(V2Map.Memory(new LinuxMemory { Limit = -1 }, new MapView())));
        // v1-only knobs become writes to controllers v2 does not have, so they fail by name when set.
        var w = V2Map.Memory(new LinuxMemory { Swappiness = 10, DisableOOMKiller = true, KernelTCP = 5, UseHierarchy = false }, new MapView());
        Assert.Equal(4, w.Count);
        Assert.All(w, x => Assert.False(x.IsDefault));
        Assert.Empty(V2Map.Memory(new LinuxMemory { DisableOOMKiller = false, UseHierarchy = true, Kernel = 10 }, new MapView()));
    }

    [Fact]
    public void Idle_goes_first_and_an_idle_group_gets_no_weight()
    {
        // The kernel answers EINVAL to cpu.weight in an idle group (sched_group_set_shares); runc skips it too.
        Assert.Equal(["cpu/cpu.idle=1", "cpu/cpu.max=50000 100000"],
            Lines(V2Map.Cpu(new LinuxCPU { Shares = 1024, Quota = 50000, Period = 100000, Idle = 1 })));
    }

    [Fact]
    public void A_quota_with_a_burst_is_retried_after_the_burst()
    {
        // Lowering the quota below the current burst fails until the new burst is in: cpu.max is written again.
        var w = V2Map.Cpu(new LinuxCPU { Quota = 10000, Period = 100000, Burst = 5000 });
        Assert.True(w.Single(x => x.File == "cpu.max").RetryOnInvalid);
        Assert.False(V2Map.Cpu(new LinuxCPU { Quota = 10000 }).Single().RetryOnInvalid);
    }

    [Fact]
    public void Cpu_max_and_weight()
    {
        Assert.Equal(["cpu/cpu.idle=0", "cpu/cpu.weight=39", "cpu/cpu.max=50000 100000", "cpu/cpu.max.burst=1000"],
            Lines(V2Map.Cpu(new LinuxCPU { Shares = 1024, Quota = 50000, Period = 100000, Burst = 1000, Idle = 0 })));
        Assert.Equal(["cpu/cpu.max=max 20000"], Lines(V2Map.Cpu(new LinuxCPU { Period = 20000 })));
        Assert.Equal(["cpu/cpu.max=max"], Lines(V2Map.Cpu(new LinuxCPU { Quota = -1 })));
        Assert.Equal(["cpu/cpu.max=30000"], Lines(V2Map.Cpu(new LinuxCPU { Quota = 30000 })));
        Assert.Equal("cpu-rt", V2Map.Cpu(new LinuxCPU { RealtimeRuntime = 5 }).Single().Controller);
    }

    [Fact]
    public void Io_weight_bfq_and_limits()
    {
        var b = new LinuxBlockIO
        {
            Weight = 500,
            WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 16, Weight = 100 }],
            ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 1 }],
            ThrottleWriteBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 2 }],
            ThrottleReadIOPSDevice = [new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 3 }],
            ThrottleWriteIOPSDevice = [new LinuxThrottleDevice { Major = 8, Minor = 16, Rate = 4 }],
        };
        Assert.Equal(["io/io.weight=4950", "io/io.weight=8:16 910", "io/io.max=8:16 rbps=1", "io/io.max=8:16 wbps=2", "io/io.max=8:16 riops=3", "io/io.max=8:16 wiops=4"],
            Lines(V2Map.Io(b, new MapView())));
        var bfq = new MapView(new() { ["io.bfq.weight"] = "default 100" });
        Assert.Equal(["io/io.bfq.weight=500", "io/io.bfq.weight=8:16 100"], Lines(V2Map.Io(b, bfq)).Take(2));
        Assert.Equal(1UL, V2Map.BlkioToIoWeight(10));
        Assert.Equal(10000UL, V2Map.BlkioToIoWeight(1000));
    }

    [Fact]
    public void Hugetlb_and_unified()
    {
        Assert.Equal(["hugetlb/hugetlb.2MB.max=2097152"], Lines(V2Map.Hugetlb([new LinuxHugepageLimit { Pagesize = "2MB", Limit = 2 << 20 }], new MapView())));
        Assert.Equal(["memory/memory.high=100000", "/cgroup.max.descendants=5"],
            Lines(V2Map.Unified(new() { ["memory.high"] = "100000", ["cgroup.max.descendants"] = "5" })));
        Assert.Throws<RuntimeError>(() => V2Map.Unified(new() { ["../x"] = "1" }));
    }
}
