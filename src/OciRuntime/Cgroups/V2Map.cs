using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// linux.resources → cgroup v2 files (one directory; Controller names the v2 controller that must be enabled).
/// Values v2 has no file for carry a v1-only controller name, so they fail as "not available" when set.
/// Devices are not files on v2: see <see cref="DeviceFilter"/>.
/// </summary>
internal static class V2Map
{
    private const string R = "linux.resources.";

    internal static List<CgroupWrite> All(LinuxResources r, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        w.AddRange(Memory(r.Memory, v));
        w.AddRange(Cpu(r.CPU));
        w.AddRange(V1Map.Cpuset(r.CPU));
        w.AddRange(V1Map.Pids(r.Pids));
        w.AddRange(Io(r.BlockIO, v));
        w.AddRange(Hugetlb(r.HugepageLimits, v));
        w.AddRange(Network(r.Network));
        w.AddRange(V1Map.Rdma(r.Rdma));
        w.AddRange(Unified(r.Unified));
        return w;
    }

    /// <summary>runc's conversion of a v1 memory+swap total to v2's swap-only value (-1 max, 0 unset).</summary>
    internal static long SwapToV2(long swap, long memory)
    {
        if (memory == -1 && swap == 0) return -1;
        if (swap is -1 or 0) return swap;
        if (memory is 0 or -1) throw new RuntimeError($"{R}memory.swap: cannot set a swap limit without a memory limit");
        if (memory < 0) throw new RuntimeError($"{R}memory.limit: invalid value {memory}");
        if (swap < memory) throw new RuntimeError($"{R}memory.swap: {swap} is below memory.limit {memory} (swap counts memory+swap)");
        return swap - memory;
    }

    private static string Max(long v) => v == -1 ? "max" : v.ToString();

    internal static List<CgroupWrite> Memory(LinuxMemory? m, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        if (m is null) return w;
        const string c = "memory";
        long limit = m.Limit ?? 0;
        long swap = SwapToV2(m.Swap ?? 0, limit);
        if (m.CheckBeforeUpdate == true && limit > 0 && V1Map.ParseLong(v.Read(c, "memory.current")) is long usage && usage > limit)
            throw new RuntimeError($"{R}memory.limit: rejecting memory limit {limit} below current usage {usage} (checkBeforeUpdate)");
        if (swap != 0) w.Add(new(c, "memory.swap.max", Max(swap), R + "memory.swap", IsDefault: swap == -1));
        else if (m.Swap is long s && s > 0) w.Add(new(c, "memory.swap.max", "0", R + "memory.swap"));
        if (limit != 0) w.Add(new(c, "memory.max", Max(limit), R + "memory.limit", IsDefault: limit == -1));
        if (m.Reservation is long res && res != 0) w.Add(new(c, "memory.low", Max(res), R + "memory.reservation"));
        if (m.KernelTCP is long kt && kt != 0) w.Add(new("kmem-tcp", "memory.kmem.tcp.limit_in_bytes", kt.ToString(), R + "memory.kernelTCP"));
        if (m.Swappiness is ulong sw) w.Add(new("memory-swappiness", "memory.swappiness", sw.ToString(), R + "memory.swappiness"));
        if (m.DisableOOMKiller == true) w.Add(new("memory-oom-control", "memory.oom_control", "1", R + "memory.disableOOMKiller"));
        if (m.UseHierarchy == false) w.Add(new("memory-use-hierarchy", "memory.use_hierarchy", "0", R + "memory.useHierarchy"));
        return w;
    }

    /// <summary>runc's cpu.shares (2..262144) → cpu.weight (1..10000).</summary>
    internal static ulong SharesToWeight(ulong shares)
    {
        if (shares == 0) return 0;
        shares = Math.Clamp(shares, 2UL, 262144UL);
        return 1 + ((shares - 2) * 9999) / 262142;
    }

    internal static List<CgroupWrite> Cpu(LinuxCPU? cpu)
    {
        var w = new List<CgroupWrite>();
        if (cpu is null) return w;
        const string c = "cpu";
        // cpu.idle first: an idle group refuses cpu.weight (EINVAL), and its weight means nothing, so runc skips it.
        if (cpu.Idle is long idle) w.Add(new(c, "cpu.idle", idle.ToString(), R + "cpu.idle", IsDefault: idle == 0));
        if (cpu.Shares is ulong sh && sh != 0 && cpu.Idle != 1) w.Add(new(c, "cpu.weight", SharesToWeight(sh).ToString(), R + "cpu.shares"));
        long quota = cpu.Quota ?? 0;
        ulong period = cpu.Period ?? 0;
        if (quota != 0 || period != 0)
        {
            string v = quota > 0 ? quota.ToString() : "max";
            if (period != 0) v += " " + period;
            // The kernel refuses a quota below the current burst: with a new burst, that one is written first and
            // the quota again after it.
            w.Add(new(c, "cpu.max", v, quota != 0 ? R + "cpu.quota" : R + "cpu.period", RetryOnInvalid: cpu.Burst is not null));
        }
        if (cpu.Burst is ulong b) w.Add(new(c, "cpu.max.burst", b.ToString(), R + "cpu.burst", IsDefault: b == 0));
        if (cpu.RealtimePeriod is ulong rp && rp != 0) w.Add(new("cpu-rt", "cpu.rt_period_us", rp.ToString(), R + "cpu.realtimePeriod"));
        if (cpu.RealtimeRuntime is long rr && rr != 0) w.Add(new("cpu-rt", "cpu.rt_runtime_us", rr.ToString(), R + "cpu.realtimeRuntime"));
        return w;
    }

    /// <summary>runc's blkio weight (10..1000) → io.weight (1..10000).</summary>
    internal static ulong BlkioToIoWeight(ushort w) => w == 0 ? 0 : 1 + ((ulong)Math.Max((int)w, 10) - 10) * 9999 / 990;

    internal static List<CgroupWrite> Io(LinuxBlockIO? b, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        if (b is null) return w;
        const string c = "io";
        bool bfq = v.Has(c, "io.bfq.weight");
        if (b.Weight is ushort wt && wt != 0)
            w.Add(bfq ? new(c, "io.bfq.weight", wt.ToString(), R + "blockIO.weight") : new(c, "io.weight", BlkioToIoWeight(wt).ToString(), R + "blockIO.weight"));
        if (b.LeafWeight is ushort lw && lw != 0) w.Add(new("blkio-leaf", "blkio.leaf_weight", lw.ToString(), R + "blockIO.leafWeight"));
        for (int i = 0; i < (b.WeightDevice?.Count ?? 0); i++)
        {
            var d = b.WeightDevice![i];
            string f = $"{R}blockIO.weightDevice[{i}]";
            if (d.Weight is ushort dw && dw != 0)
                w.Add(bfq ? new(c, "io.bfq.weight", $"{d.Major}:{d.Minor} {dw}", f + ".weight")
                          : new(c, "io.weight", $"{d.Major}:{d.Minor} {BlkioToIoWeight(dw)}", f + ".weight"));
            if (d.LeafWeight is ushort dl && dl != 0) w.Add(new("blkio-leaf", "blkio.leaf_weight_device", $"{d.Major}:{d.Minor} {dl}", f + ".leafWeight"));
        }
        Throttle(w, b.ThrottleReadBpsDevice, "rbps", "throttleReadBpsDevice");
        Throttle(w, b.ThrottleWriteBpsDevice, "wbps", "throttleWriteBpsDevice");
        Throttle(w, b.ThrottleReadIOPSDevice, "riops", "throttleReadIOPSDevice");
        Throttle(w, b.ThrottleWriteIOPSDevice, "wiops", "throttleWriteIOPSDevice");
        return w;
    }

    private static void Throttle(List<CgroupWrite> w, List<LinuxThrottleDevice>? list, string key, string name)
    {
        for (int i = 0; i < (list?.Count ?? 0); i++)
            w.Add(new("io", "io.max", $"{list![i].Major}:{list[i].Minor} {key}={list[i].Rate}", $"{R}blockIO.{name}[{i}]"));
    }

    internal static List<CgroupWrite> Hugetlb(List<LinuxHugepageLimit>? limits, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        for (int i = 0; i < (limits?.Count ?? 0); i++)
        {
            var l = limits![i];
            string f = $"{R}hugepageLimits[{i}]";
            V1Map.CheckPageSize(l.Pagesize, f);
            w.Add(new("hugetlb", $"hugetlb.{l.Pagesize}.max", l.Limit.ToString(), f + ".limit"));
            if (v.Has("hugetlb", $"hugetlb.{l.Pagesize}.rsvd.max"))
                w.Add(new("hugetlb", $"hugetlb.{l.Pagesize}.rsvd.max", l.Limit.ToString(), f + ".limit"));
        }
        return w;
    }

    /// <summary>net_cls and net_prio have no v2 files: a value is an error (the v1 controller names say why).</summary>
    internal static List<CgroupWrite> Network(LinuxNetwork? n) => V1Map.Network(n);

    internal static List<CgroupWrite> Unified(Dictionary<string, string>? unified)
    {
        var w = new List<CgroupWrite>();
        foreach (var (k, val) in unified ?? [])
        {
            string field = $"{R}unified[\"{k}\"]";
            if (k.Contains('/') || k is "." or ".." || k.Length == 0) throw new RuntimeError($"{field}: not a file name");
            int dot = k.IndexOf('.');
            string ctrl = dot > 0 ? k[..dot] : "";
            w.Add(new(ctrl is "cgroup" ? "" : ctrl, k, val, field));
        }
        return w;
    }
}
