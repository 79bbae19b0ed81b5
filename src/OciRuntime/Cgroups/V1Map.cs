using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// linux.resources → cgroup v1 files, one small function per controller. Only values that differ from "unset"
/// produce a write (as runc: 0 means unset for most numbers). The view is read, never written.
/// </summary>
internal static class V1Map
{
    private const string R = "linux.resources.";

    /// <summary>Everything, in runc's order. <paramref name="currentDevices"/>: the running cgroup's rules on update.</summary>
    internal static List<CgroupWrite> All(LinuxResources r, ICgroupView v, bool applyDevices, DeviceEmulator? currentDevices = null)
    {
        if (r.Unified is { Count: > 0 })
            throw new RuntimeError($"{R}unified: needs cgroup v2, and this host's controllers are on cgroup v1");
        var w = new List<CgroupWrite>();
        if (applyDevices)
        {
            var dev = DeviceRules.V1Writes(DeviceRules.Target(r.Devices), currentDevices);
            // Only the built-in defaults: a host without the devices hierarchy is no reason to fail.
            bool onlyDefaults = r.Devices is null or { Count: 0 };
            w.AddRange(onlyDefaults ? dev.Select(x => x with { IsDefault = true }) : dev);
        }
        w.AddRange(Memory(r.Memory, v));
        w.AddRange(Cpu(r.CPU));
        w.AddRange(Cpuset(r.CPU));
        w.AddRange(Pids(r.Pids));
        w.AddRange(BlockIO(r.BlockIO, v));
        w.AddRange(Hugetlb(r.HugepageLimits, v));
        w.AddRange(Network(r.Network));
        w.AddRange(Rdma(r.Rdma));
        return w;
    }

    internal static List<CgroupWrite> Memory(LinuxMemory? m, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        if (m is null) return w;
        const string c = "memory";
        long limit = m.Limit ?? 0, swap = m.Swap ?? 0;
        if (limit == -1 && swap == 0 && v.Has(c, "memory.memsw.limit_in_bytes")) swap = -1;
        if (m.CheckBeforeUpdate == true && limit > 0 && ParseLong(v.Read(c, "memory.usage_in_bytes")) is long usage && usage > limit)
            throw new RuntimeError($"{R}memory.limit: rejecting memory limit {limit} below current usage {usage} (checkBeforeUpdate)");
        var memW = new CgroupWrite(c, "memory.limit_in_bytes", limit.ToString(), R + "memory.limit");
        var swapW = new CgroupWrite(c, "memory.memsw.limit_in_bytes", swap.ToString(), R + "memory.swap");
        if (limit != 0 && swap != 0)
        {
            // The kernel wants limit <= memsw at every moment: raise memsw first when growing.
            ulong cur = ParseUlong(v.Read(c, "memory.limit_in_bytes")) ?? 0;
            if (swap == -1 || cur < (ulong)swap) { w.Add(swapW); w.Add(memW); }
            else { w.Add(memW); w.Add(swapW); }
        }
        else
        {
            if (limit != 0) w.Add(memW);
            if (swap != 0) w.Add(swapW);
        }
        if (m.Reservation is long res && res != 0) w.Add(new(c, "memory.soft_limit_in_bytes", res.ToString(), R + "memory.reservation"));
        // Kernel memory limits are gone from the kernel (5.4+ ignore, newer drop the file): written where they exist.
        if (m.Kernel is long k && k != 0 && v.Has(c, "memory.kmem.limit_in_bytes"))
            w.Add(new(c, "memory.kmem.limit_in_bytes", k.ToString(), R + "memory.kernel"));
        if (m.KernelTCP is long kt && kt != 0) w.Add(new(c, "memory.kmem.tcp.limit_in_bytes", kt.ToString(), R + "memory.kernelTCP"));
        if (m.Swappiness is ulong sw)
        {
            if (sw > 100) throw new RuntimeError($"{R}memory.swappiness: {sw} is out of range 0..100");
            w.Add(new(c, "memory.swappiness", sw.ToString(), R + "memory.swappiness"));
        }
        if (m.DisableOOMKiller == true) w.Add(new(c, "memory.oom_control", "1", R + "memory.disableOOMKiller"));
        if (m.UseHierarchy is bool uh) w.Add(new(c, "memory.use_hierarchy", uh ? "1" : "0", R + "memory.useHierarchy", IsDefault: uh));
        return w;
    }

    internal static List<CgroupWrite> Cpu(LinuxCPU? cpu)
    {
        var w = new List<CgroupWrite>();
        if (cpu is null) return w;
        const string c = "cpu";
        if (cpu.Shares is ulong sh && sh != 0) w.Add(new(c, "cpu.shares", sh.ToString(), R + "cpu.shares", Verify: true));
        long quota = cpu.Quota ?? 0;
        // A smaller period may be refused while the old quota stands: retried after the quota.
        if (cpu.Period is ulong p && p != 0) w.Add(new(c, "cpu.cfs_period_us", p.ToString(), R + "cpu.period", RetryOnInvalid: quota != 0));
        if (quota != 0) w.Add(new(c, "cpu.cfs_quota_us", quota.ToString(), R + "cpu.quota"));
        if (cpu.Burst is ulong b) w.Add(new(c, "cpu.cfs_burst_us", b.ToString(), R + "cpu.burst", IsDefault: b == 0));
        if (cpu.RealtimePeriod is ulong rp && rp != 0) w.Add(new(c, "cpu.rt_period_us", rp.ToString(), R + "cpu.realtimePeriod", RetryOnInvalid: true));
        if (cpu.RealtimeRuntime is long rr && rr != 0) w.Add(new(c, "cpu.rt_runtime_us", rr.ToString(), R + "cpu.realtimeRuntime"));
        if (cpu.Idle is long idle) w.Add(new(c, "cpu.idle", idle.ToString(), R + "cpu.idle", IsDefault: idle == 0));
        return w;
    }

    internal static List<CgroupWrite> Cpuset(LinuxCPU? cpu)
    {
        var w = new List<CgroupWrite>();
        if (cpu is null) return w;
        if (!string.IsNullOrEmpty(cpu.Cpus)) w.Add(new("cpuset", "cpuset.cpus", cpu.Cpus, R + "cpu.cpus"));
        if (!string.IsNullOrEmpty(cpu.Mems)) w.Add(new("cpuset", "cpuset.mems", cpu.Mems, R + "cpu.mems"));
        return w;
    }

    internal static List<CgroupWrite> Pids(LinuxPids? p)
    {
        // Absent leaves the kernel's value; 0 and below mean no limit, as runc reads them.
        if (p?.Limit is not long limit) return [];
        bool max = limit <= 0;
        return [new("pids", "pids.max", max ? "max" : limit.ToString(), R + "pids.limit", IsDefault: max)];
    }

    internal static List<CgroupWrite> BlockIO(LinuxBlockIO? b, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        if (b is null) return w;
        const string c = "blkio";
        // Kernels without CFQ (5.0+) have only BFQ's files.
        bool bfq = !v.Has(c, "blkio.weight") && v.Has(c, "blkio.bfq.weight");
        if (b.Weight is ushort wt && wt != 0) w.Add(new(c, bfq ? "blkio.bfq.weight" : "blkio.weight", wt.ToString(), R + "blockIO.weight"));
        if (b.LeafWeight is ushort lw && lw != 0) w.Add(new(c, "blkio.leaf_weight", lw.ToString(), R + "blockIO.leafWeight"));
        for (int i = 0; i < (b.WeightDevice?.Count ?? 0); i++)
        {
            var d = b.WeightDevice![i];
            string f = $"{R}blockIO.weightDevice[{i}]";
            if (d.Weight is ushort dw && dw != 0)
                w.Add(new(c, bfq ? "blkio.bfq.weight_device" : "blkio.weight_device", $"{d.Major}:{d.Minor} {dw}", f + ".weight"));
            if (d.LeafWeight is ushort dl && dl != 0)
                w.Add(new(c, "blkio.leaf_weight_device", $"{d.Major}:{d.Minor} {dl}", f + ".leafWeight"));
        }
        Throttle(w, b.ThrottleReadBpsDevice, "blkio.throttle.read_bps_device", "throttleReadBpsDevice");
        Throttle(w, b.ThrottleWriteBpsDevice, "blkio.throttle.write_bps_device", "throttleWriteBpsDevice");
        Throttle(w, b.ThrottleReadIOPSDevice, "blkio.throttle.read_iops_device", "throttleReadIOPSDevice");
        Throttle(w, b.ThrottleWriteIOPSDevice, "blkio.throttle.write_iops_device", "throttleWriteIOPSDevice");
        return w;
    }

    private static void Throttle(List<CgroupWrite> w, List<LinuxThrottleDevice>? list, string file, string name)
    {
        for (int i = 0; i < (list?.Count ?? 0); i++)
            w.Add(new("blkio", file, $"{list![i].Major}:{list[i].Minor} {list[i].Rate}", $"{R}blockIO.{name}[{i}]"));
    }

    internal static List<CgroupWrite> Hugetlb(List<LinuxHugepageLimit>? limits, ICgroupView v)
    {
        var w = new List<CgroupWrite>();
        for (int i = 0; i < (limits?.Count ?? 0); i++)
        {
            var l = limits![i];
            string f = $"{R}hugepageLimits[{i}]";
            CheckPageSize(l.Pagesize, f);
            w.Add(new("hugetlb", $"hugetlb.{l.Pagesize}.limit_in_bytes", l.Limit.ToString(), f + ".limit"));
            if (v.Has("hugetlb", $"hugetlb.{l.Pagesize}.rsvd.limit_in_bytes"))
                w.Add(new("hugetlb", $"hugetlb.{l.Pagesize}.rsvd.limit_in_bytes", l.Limit.ToString(), f + ".limit"));
        }
        return w;
    }

    internal static void CheckPageSize(string size, string field)
    {
        if (size.Length < 3 || !size.EndsWith('B') || !size[..^2].All(char.IsAsciiDigit) || "KMGT".IndexOf(size[^2]) < 0)
            throw new RuntimeError($"{field}.pageSize: \"{size}\" is not a page size like 2MB or 1GB");
    }

    internal static List<CgroupWrite> Network(LinuxNetwork? n)
    {
        var w = new List<CgroupWrite>();
        if (n is null) return w;
        if (n.ClassID is uint id && id != 0) w.Add(new("net_cls", "net_cls.classid", id.ToString(), R + "network.classID"));
        for (int i = 0; i < (n.Priorities?.Count ?? 0); i++)
            w.Add(new("net_prio", "net_prio.ifpriomap", $"{n.Priorities![i].Name} {n.Priorities[i].Priority}", $"{R}network.priorities[{i}]"));
        return w;
    }

    /// <summary>rdma.max lines; the same file and syntax on v1 and v2.</summary>
    internal static List<CgroupWrite> Rdma(Dictionary<string, LinuxRdma>? rdma)
    {
        var w = new List<CgroupWrite>();
        foreach (var (dev, l) in rdma ?? [])
        {
            var parts = new List<string>();
            if (l.HcaHandles is uint h) parts.Add($"hca_handle={h}");
            if (l.HcaObjects is uint o) parts.Add($"hca_object={o}");
            if (parts.Count > 0) w.Add(new("rdma", "rdma.max", dev + " " + string.Join(' ', parts), $"{R}rdma[\"{dev}\"]"));
        }
        return w;
    }

    internal static long? ParseLong(string? s) => long.TryParse(s?.Trim(), out long v) ? v : null;
    internal static ulong? ParseUlong(string? s) => ulong.TryParse(s?.Trim(), out ulong v) ? v : null;
}
