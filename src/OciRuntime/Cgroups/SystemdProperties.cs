using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>A unit property value, in the D-Bus types systemd expects (signature in <see cref="Signature"/>).</summary>
internal abstract record SystemdValue(string Signature)
{
    internal sealed record Bool(bool Value) : SystemdValue("b");
    internal sealed record Str(string Value) : SystemdValue("s");
    internal sealed record UInt64(ulong Value) : SystemdValue("t");
    internal sealed record UInt32Array(uint[] Value) : SystemdValue("au");
    internal sealed record Bytes(byte[] Value) : SystemdValue("ay");
    /// <summary>DeviceAllow: (path or class, "rwm" subset) pairs.</summary>
    internal sealed record StringPairs((string, string)[] Value) : SystemdValue("a(ss)");
}

internal sealed record SystemdProperty(string Name, SystemdValue Value, string Field);

/// <summary>
/// linux.resources → transient unit properties, as runc's systemd driver maps them on cgroup v2 (<see cref="Resources"/>)
/// and on v1 (<see cref="ResourcesV1"/>). Everything is also written to the files afterwards, as runc does, which is what
/// carries what has no property (io, hugetlb, rdma, most unified keys, idle, burst); the device rules go both ways, as
/// in runc: DevicePolicy/DeviceAllow for systemd, and our own filter (eBPF on v2, devices.* files on v1).
/// </summary>
internal static class SystemdProperties
{
    private const string R = "linux.resources.";
    internal const ulong Infinity = ulong.MaxValue;

    /// <summary>The properties that make the scope: where it lives, who is in it, and that its subtree is ours.</summary>
    /// <param name="v1">A v1 (hybrid or legacy) host, where systemd's io accounting is the blkio controller's.</param>
    internal static List<SystemdProperty> Scope(string slice, string description, int pid, bool v1 = false) =>
    [
        new("Description", new SystemdValue.Str(description), "linux.cgroupsPath"),
        new("Slice", new SystemdValue.Str(slice), "linux.cgroupsPath"),
        new("Delegate", new SystemdValue.Bool(true), "linux.cgroupsPath"),
        new("PIDs", new SystemdValue.UInt32Array([(uint)pid]), "linux.cgroupsPath"),
        new("DefaultDependencies", new SystemdValue.Bool(false), "linux.cgroupsPath"),
        new("MemoryAccounting", new SystemdValue.Bool(true), "linux.cgroupsPath"),
        new("CPUAccounting", new SystemdValue.Bool(true), "linux.cgroupsPath"),
        new(v1 ? "BlockIOAccounting" : "IOAccounting", new SystemdValue.Bool(true), "linux.cgroupsPath"),
        new("TasksAccounting", new SystemdValue.Bool(true), "linux.cgroupsPath"),
    ];

    internal static List<SystemdProperty> Resources(LinuxResources? r)
    {
        var p = new List<SystemdProperty>();
        if (r is null) return p;
        if (r.Memory is { } m)
        {
            long limit = m.Limit ?? 0;
            if (limit != 0) p.Add(new("MemoryMax", Bytes(limit), R + "memory.limit"));
            if (m.Reservation is long res && res != 0) p.Add(new("MemoryLow", Bytes(res), R + "memory.reservation"));
            long swap = V2Map.SwapToV2(m.Swap ?? 0, limit);
            if (swap != 0) p.Add(new("MemorySwapMax", Bytes(swap), R + "memory.swap"));
            else if (m.Swap is long s && s > 0) p.Add(new("MemorySwapMax", new SystemdValue.UInt64(0), R + "memory.swap"));
        }
        if (r.CPU is { } cpu)
        {
            if (cpu.Shares is ulong sh && sh != 0 && cpu.Idle != 1)
                p.Add(new("CPUWeight", new SystemdValue.UInt64(V2Map.SharesToWeight(sh)), R + "cpu.shares"));
            CpuQuota(p, cpu);
            Cpuset(p, cpu);
        }
        TasksMax(p, r.Pids);
        p.AddRange(SystemdUnifiedProperties.From(r.Unified));
        return p;
    }

    /// <summary>
    /// The same on a v1 host, as runc's v1 driver: systemd's older names for the v1 files (MemoryLimit for
    /// memory.limit_in_bytes, CPUShares for cpu.shares as it is, BlockIOWeight for blkio.weight). Unified keys are
    /// refused before this (they need v2).
    /// </summary>
    internal static List<SystemdProperty> ResourcesV1(LinuxResources? r)
    {
        var p = new List<SystemdProperty>();
        if (r is null) return p;
        if (r.Memory?.Limit is long limit && limit != 0) p.Add(new("MemoryLimit", Bytes(limit), R + "memory.limit"));
        if (r.CPU is { } cpu)
        {
            if (cpu.Shares is ulong sh && sh != 0) p.Add(new("CPUShares", new SystemdValue.UInt64(sh), R + "cpu.shares"));
            CpuQuota(p, cpu);
        }
        if (r.BlockIO?.Weight is ushort bw && bw != 0) p.Add(new("BlockIOWeight", new SystemdValue.UInt64(bw), R + "blockIO.weight"));
        TasksMax(p, r.Pids);
        // systemd keeps AllowedCPUs on a v1 host without applying it (its cpuset support is v2's); runc sends it there
        // too, and the cpuset files written afterwards are what the kernel enforces.
        if (r.CPU is { } c) Cpuset(p, c);
        return p;
    }

    private static void CpuQuota(List<SystemdProperty> p, LinuxCPU cpu)
    {
        long quota = cpu.Quota ?? 0;
        ulong period = cpu.Period ?? 0;
        if (period != 0) p.Add(new("CPUQuotaPeriodUSec", new SystemdValue.UInt64(period), R + "cpu.period"));
        if (quota != 0 || period != 0)
            p.Add(new("CPUQuotaPerSecUSec", new SystemdValue.UInt64(QuotaPerSecond(quota, period)), R + "cpu.quota"));
    }

    private static void Cpuset(List<SystemdProperty> p, LinuxCPU cpu)
    {
        if (!string.IsNullOrEmpty(cpu.Cpus)) p.Add(new("AllowedCPUs", new SystemdValue.Bytes(Bitmask(cpu.Cpus, R + "cpu.cpus")), R + "cpu.cpus"));
        if (!string.IsNullOrEmpty(cpu.Mems)) p.Add(new("AllowedMemoryNodes", new SystemdValue.Bytes(Bitmask(cpu.Mems, R + "cpu.mems")), R + "cpu.mems"));
    }

    private static void TasksMax(List<SystemdProperty> p, LinuxPids? pids)
    {
        if (pids?.Limit is long pl)
            p.Add(new("TasksMax", new SystemdValue.UInt64(pl <= 0 ? Infinity : (ulong)pl), R + "pids.limit"));
    }

    /// <summary>
    /// linux.resources.devices (with the default devices every container gets) as DevicePolicy and DeviceAllow, as
    /// runc's systemd driver writes them. systemd knows only allow lists: an allow-all set becomes DevicePolicy=auto
    /// with no entries; any other deny-by-default set is left to our filter (strict with no entries, as runc does).
    /// Entries: "/dev/char/M:m" for one device, "char-M" for a whole major (systemd ≥ 240 parses the number), "char-*"
    /// for every device of a type. systemd has no form for "*:m"; runc drops such a rule from the unit with a warning,
    /// and so do we (the eBPF filter still enforces it). An empty DeviceAllow comes first so an update replaces the
    /// unit's list rather than adding to it.
    /// </summary>
    internal static List<SystemdProperty> Devices(IReadOnlyList<LinuxDeviceCgroup>? config)
    {
        const string field = R + "devices";
        var target = DeviceRules.Target(config);
        var clear = new SystemdProperty("DeviceAllow", new SystemdValue.StringPairs([]), field);
        if (target.DefaultAllow)
        {
            if (target.Exceptions.Count == 0)
                return [new("DevicePolicy", new SystemdValue.Str("auto"), field), clear];
            return [clear, new("DevicePolicy", new SystemdValue.Str("strict"), field)];
        }
        var entries = new List<(string, string)>();
        foreach (var e in target.Exceptions)
        {
            if (e.Type is not ('c' or 'b')) continue;
            string group = e.Type == 'c' ? "char" : "block";
            string? path = (e.Major, e.Minor) switch
            {
                (DeviceRule.Wildcard, DeviceRule.Wildcard) => group + "-*",
                (DeviceRule.Wildcard, _) => null,
                (_, DeviceRule.Wildcard) => $"{group}-{e.Major}",
                _ => $"/dev/{group}/{e.Major}:{e.Minor}",
            };
            if (path is not null) entries.Add((path, DeviceRule.AccessString(e.Access)));
        }
        return [clear, new("DevicePolicy", new SystemdValue.Str("strict"), field),
                new("DeviceAllow", new SystemdValue.StringPairs([.. entries]), field)];
    }

    internal static SystemdValue Bytes(long v) => new SystemdValue.UInt64(v < 0 ? Infinity : (ulong)v);

    /// <summary>
    /// cpu.max as systemd holds it: quota per second of wall time. systemd keeps it in 10 ms steps, so runc rounds
    /// up to the next step (the kernel then sees at least the quota asked for). No quota (≤ 0) is infinity.
    /// </summary>
    internal static ulong QuotaPerSecond(long quota, ulong period)
    {
        if (quota <= 0) return Infinity;
        if (period == 0) period = 100_000;
        ulong perSec = (ulong)quota * 1_000_000 / period;
        if (perSec % 10_000 != 0) perSec = (perSec / 10_000 + 1) * 10_000;
        return perSec;
    }

    /// <summary>A cpuset list ("0-2,5") as systemd's byte mask: bit n of byte n/8.</summary>
    internal static byte[] Bitmask(string list, string field)
    {
        var bits = new List<int>();
        foreach (var part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length > 2 || !int.TryParse(ends[0], out int lo) || lo < 0 || lo > 8191)
                throw new RuntimeError($"{field}: \"{list}\" is not a list of numbers and ranges like 0-2,5");
            int hi = lo;
            if (ends.Length == 2 && (!int.TryParse(ends[1], out hi) || hi < lo || hi > 8191))
                throw new RuntimeError($"{field}: \"{list}\" is not a list of numbers and ranges like 0-2,5");
            for (int i = lo; i <= hi; i++) bits.Add(i);
        }
        var mask = new byte[bits.Count == 0 ? 0 : bits.Max() / 8 + 1];
        foreach (int b in bits) mask[b / 8] |= (byte)(1 << (b % 8));
        return mask;
    }
}
