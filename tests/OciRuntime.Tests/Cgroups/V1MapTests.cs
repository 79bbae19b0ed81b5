using OciRuntime.Cgroups;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class V1MapTests
{
    private static string[] Lines(IEnumerable<CgroupWrite> w) => w.Select(x => $"{x.Controller}/{x.File}={x.Value}").ToArray();

    [Fact]
    public void Memory_limit_alone_and_unset_values_write_nothing_else()
    {
        Assert.Equal(["memory/memory.limit_in_bytes=1048576"], Lines(V1Map.Memory(new LinuxMemory { Limit = 1 << 20 }, new MapView())));
        Assert.Empty(V1Map.Memory(new LinuxMemory { Limit = 0, Swap = 0, Reservation = 0 }, new MapView()));
        Assert.Empty(V1Map.Memory(null, new MapView()));
    }

    [Fact]
    public void Memory_and_swap_are_ordered_so_the_kernel_never_sees_limit_above_memsw()
    {
        // Growing from a 64 MiB limit to 256/512: memsw first.
        var grow = new MapView(new() { ["memory.limit_in_bytes"] = "67108864\n" });
        Assert.Equal(["memory/memory.memsw.limit_in_bytes=536870912", "memory/memory.limit_in_bytes=268435456"],
            Lines(V1Map.Memory(new LinuxMemory { Limit = 256 << 20, Swap = 512 << 20 }, grow)));
        // Shrinking from 1 GiB: memory first.
        var shrink = new MapView(new() { ["memory.limit_in_bytes"] = "1073741824\n" });
        Assert.Equal(["memory/memory.limit_in_bytes=268435456", "memory/memory.memsw.limit_in_bytes=536870912"],
            Lines(V1Map.Memory(new LinuxMemory { Limit = 256 << 20, Swap = 512 << 20 }, shrink)));
    }

    [Fact]
    public void Unlimited_memory_without_swap_also_unlimits_swap_where_memsw_exists()
    {
        var withSwap = new MapView(new() { ["memory.memsw.limit_in_bytes"] = "9223372036854771712", ["memory.limit_in_bytes"] = "100" });
        Assert.Equal(["memory/memory.memsw.limit_in_bytes=-1", "memory/memory.limit_in_bytes=-1"], Lines(V1Map.Memory(new LinuxMemory { Limit = -1 }, withSwap)));
        Assert.Equal(["memory/memory.limit_in_bytes=-1"], Lines(V1Map.Memory(new LinuxMemory { Limit = -1 }, new MapView())));
    }

    [Fact]
    public void Memory_other_fields()
    {
        var view = new MapView(new() { ["memory.kmem.limit_in_bytes"] = "0" });
        var w = V1Map.Memory(new LinuxMemory
        {
            Reservation = 1000, Kernel = 2000, KernelTCP = 3000, Swappiness = 10, DisableOOMKiller = true, UseHierarchy = true,
        }, view);
        Assert.Equal([
            "memory/memory.soft_limit_in_bytes=1000", "memory/memory.kmem.limit_in_bytes=2000", "memory/memory.kmem.tcp.limit_in_bytes=3000",
            "memory/memory.swappiness=10", "memory/memory.oom_control=1", "memory/memory.use_hierarchy=1",
        ], Lines(w));
        Assert.Equal("linux.resources.memory.kernelTCP", w[2].Field);
        // kernel is dropped silently where the kernel dropped the file; disableOOMKiller false writes nothing.
        Assert.Empty(V1Map.Memory(new LinuxMemory { Kernel = 2000, DisableOOMKiller = false }, new MapView()));
        var e = Assert.Throws<RuntimeError>(() => V1Map.Memory(new LinuxMemory { Swappiness = 101 }, new MapView()));
        Assert.Contains("linux.resources.memory.swappiness", e.Message);
    }

    [Fact]
    public void Check_before_update_refuses_a_limit_below_usage()
    {
        var view = new MapView(new() { ["memory.usage_in_bytes"] = "5000000\n" });
        var e = Assert.Throws<RuntimeError>(() => V1Map.Memory(new LinuxMemory { Limit = 1000000, CheckBeforeUpdate = true }, view));
        Assert.Contains("linux.resources.memory.limit", e.Message);
        Assert.Contains("5000000", e.Message);
        Assert.Single(V1Map.Memory(new LinuxMemory { Limit = 9000000, CheckBeforeUpdate = true }, view));
        Assert.Single(V1Map.Memory(new LinuxMemory { Limit = 1000000, CheckBeforeUpdate = false }, view));
    }

    [Fact]
    public void Cpu_and_cpuset()
    {
        var cpu = new LinuxCPU { Shares = 512, Period = 50000, Quota = 25000, Burst = 1000, RealtimePeriod = 1000000, RealtimeRuntime = 950000, Idle = 1, Cpus = "0", Mems = "0" };
        Assert.Equal([
            "cpu/cpu.shares=512", "cpu/cpu.cfs_period_us=50000", "cpu/cpu.cfs_quota_us=25000", "cpu/cpu.cfs_burst_us=1000",
            "cpu/cpu.rt_period_us=1000000", "cpu/cpu.rt_runtime_us=950000", "cpu/cpu.idle=1",
        ], Lines(V1Map.Cpu(cpu)));
        var w = V1Map.Cpu(cpu);
        Assert.True(w[0].Verify);
        Assert.True(w[1].RetryOnInvalid);
        Assert.Equal(["cpuset/cpuset.cpus=0", "cpuset/cpuset.mems=0"], Lines(V1Map.Cpuset(cpu)));
        Assert.Empty(V1Map.Cpu(new LinuxCPU { Shares = 0, Quota = 0, Period = 0 }));
        Assert.Equal(["cpu/cpu.cfs_quota_us=-1"], Lines(V1Map.Cpu(new LinuxCPU { Quota = -1 })));
    }

    [Fact]
    public void Pids_limit_or_max()
    {
        Assert.Equal(["pids/pids.max=42"], Lines(V1Map.Pids(new LinuxPids { Limit = 42 })));
        var max = Assert.Single(V1Map.Pids(new LinuxPids { Limit = 0 }));
        Assert.Equal("max", max.Value);
        Assert.True(max.IsDefault);
        Assert.Empty(V1Map.Pids(null));
    }

    [Fact]
    public void BlockIO_uses_bfq_files_when_cfq_is_gone()
    {
        var b = new LinuxBlockIO
        {
            Weight = 300, LeafWeight = 200,
            WeightDevice = [new LinuxWeightDevice { Major = 8, Minor = 0, Weight = 500, LeafWeight = 100 }],
            ThrottleReadBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 1000 }],
            ThrottleWriteBpsDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 2000 }],
            ThrottleReadIOPSDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 30 }],
            ThrottleWriteIOPSDevice = [new LinuxThrottleDevice { Major = 8, Minor = 0, Rate = 40 }],
        };
        var bfq = new MapView(new() { ["blkio.bfq.weight"] = "100" });
        Assert.Equal([
            "blkio/blkio.bfq.weight=300", "blkio/blkio.leaf_weight=200", "blkio/blkio.bfq.weight_device=8:0 500", "blkio/blkio.leaf_weight_device=8:0 100",
            "blkio/blkio.throttle.read_bps_device=8:0 1000", "blkio/blkio.throttle.write_bps_device=8:0 2000",
            "blkio/blkio.throttle.read_iops_device=8:0 30", "blkio/blkio.throttle.write_iops_device=8:0 40",
        ], Lines(V1Map.BlockIO(b, bfq)));
        var cfq = new MapView(new() { ["blkio.weight"] = "500", ["blkio.bfq.weight"] = "100" });
        Assert.Equal("blkio/blkio.weight=300", Lines(V1Map.BlockIO(b, cfq))[0]);
        Assert.Equal("linux.resources.blockIO.throttleWriteIOPSDevice[0]", V1Map.BlockIO(b, cfq)[^1].Field);
    }

    [Fact]
    public void Hugetlb_network_rdma()
    {
        var view = new MapView(new() { ["hugetlb.2MB.rsvd.limit_in_bytes"] = "" });
        Assert.Equal(["hugetlb/hugetlb.2MB.limit_in_bytes=4194304", "hugetlb/hugetlb.2MB.rsvd.limit_in_bytes=4194304", "hugetlb/hugetlb.1GB.limit_in_bytes=0"],
            Lines(V1Map.Hugetlb([new LinuxHugepageLimit { Pagesize = "2MB", Limit = 4 << 20 }, new LinuxHugepageLimit { Pagesize = "1GB", Limit = 0 }], view)));
        var e = Assert.Throws<RuntimeError>(() => V1Map.Hugetlb([new LinuxHugepageLimit { Pagesize = "../x", Limit = 1 }], view));
        Assert.Contains("hugepageLimits[0].pageSize", e.Message);
        Assert.Equal(["net_cls/net_cls.classid=1048577", "net_prio/net_prio.ifpriomap=eth0 5"],
            Lines(V1Map.Network(new LinuxNetwork { ClassID = 0x100001, Priorities = [new LinuxInterfacePriority { Name = "eth0", Priority = 5 }] })));
        Assert.Equal(["rdma/rdma.max=mlx5_1 hca_handle=3 hca_object=10000"],
            Lines(V1Map.Rdma(new() { ["mlx5_1"] = new LinuxRdma { HcaHandles = 3, HcaObjects = 10000 } })));
    }

    [Fact]
    public void Unified_is_refused_on_v1()
    {
        var e = Assert.Throws<RuntimeError>(() => V1Map.All(new LinuxResources { Unified = new() { ["memory.high"] = "1" } }, new MapView(), false));
        Assert.Contains("linux.resources.unified", e.Message);
    }
}
