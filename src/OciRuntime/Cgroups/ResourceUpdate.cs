using System.Globalization;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>`update`: what runc's flags mean as a resources document, and how an update folds into the stored config.</summary>
internal static class ResourceUpdate
{
    /// <summary>Fields of <paramref name="update"/> that are set replace those of <paramref name="current"/>.</summary>
    internal static LinuxResources Merge(LinuxResources? current, LinuxResources update)
    {
        var c = current ?? new LinuxResources();
        return c with
        {
            Devices = update.Devices ?? c.Devices,
            Memory = Merge(c.Memory, update.Memory),
            CPU = Merge(c.CPU, update.CPU),
            Pids = update.Pids ?? c.Pids,
            BlockIO = Merge(c.BlockIO, update.BlockIO),
            HugepageLimits = update.HugepageLimits ?? c.HugepageLimits,
            Network = update.Network is null ? c.Network : (c.Network ?? new()) with
            {
                ClassID = update.Network.ClassID ?? c.Network?.ClassID,
                Priorities = update.Network.Priorities ?? c.Network?.Priorities,
            },
            Rdma = MergeMap(c.Rdma, update.Rdma),
            Unified = MergeMap(c.Unified, update.Unified),
        };
    }

    private static Dictionary<string, T>? MergeMap<T>(Dictionary<string, T>? a, Dictionary<string, T>? b)
    {
        if (b is null) return a;
        var m = a is null ? new Dictionary<string, T>() : new Dictionary<string, T>(a);
        foreach (var (k, v) in b) m[k] = v;
        return m;
    }

    private static LinuxMemory? Merge(LinuxMemory? a, LinuxMemory? b) => b is null ? a : a is null ? b : a with
    {
        Limit = b.Limit ?? a.Limit, Reservation = b.Reservation ?? a.Reservation, Swap = b.Swap ?? a.Swap,
        Kernel = b.Kernel ?? a.Kernel, KernelTCP = b.KernelTCP ?? a.KernelTCP, Swappiness = b.Swappiness ?? a.Swappiness,
        DisableOOMKiller = b.DisableOOMKiller ?? a.DisableOOMKiller, UseHierarchy = b.UseHierarchy ?? a.UseHierarchy,
        CheckBeforeUpdate = b.CheckBeforeUpdate ?? a.CheckBeforeUpdate,
    };

    private static LinuxCPU? Merge(LinuxCPU? a, LinuxCPU? b) => b is null ? a : a is null ? b : a with
    {
        Shares = b.Shares ?? a.Shares, Quota = b.Quota ?? a.Quota, Burst = b.Burst ?? a.Burst, Period = b.Period ?? a.Period,
        RealtimeRuntime = b.RealtimeRuntime ?? a.RealtimeRuntime, RealtimePeriod = b.RealtimePeriod ?? a.RealtimePeriod,
        Cpus = b.Cpus ?? a.Cpus, Mems = b.Mems ?? a.Mems, Idle = b.Idle ?? a.Idle,
    };

    private static LinuxBlockIO? Merge(LinuxBlockIO? a, LinuxBlockIO? b) => b is null ? a : a is null ? b : a with
    {
        Weight = b.Weight ?? a.Weight, LeafWeight = b.LeafWeight ?? a.LeafWeight, WeightDevice = b.WeightDevice ?? a.WeightDevice,
        ThrottleReadBpsDevice = b.ThrottleReadBpsDevice ?? a.ThrottleReadBpsDevice,
        ThrottleWriteBpsDevice = b.ThrottleWriteBpsDevice ?? a.ThrottleWriteBpsDevice,
        ThrottleReadIOPSDevice = b.ThrottleReadIOPSDevice ?? a.ThrottleReadIOPSDevice,
        ThrottleWriteIOPSDevice = b.ThrottleWriteIOPSDevice ?? a.ThrottleWriteIOPSDevice,
    };

    /// <summary>
    /// What to write for an update: the update itself, with the memory limit filled in from the merged config
    /// when only swap changes (v1 ordering and the v2 swap conversion need it).
    /// </summary>
    internal static LinuxResources Delta(LinuxResources update, LinuxResources merged)
    {
        if (update.Memory is { Swap: not null, Limit: null } m && merged.Memory?.Limit is long limit)
            return update with { Memory = m with { Limit = limit } };
        return update;
    }

    /// <summary>runc's units.RAMInBytes: "512", "100k", "64m", "1g", "1.5GiB" (binary multiples); "-1" is unlimited.</summary>
    internal static long ParseBytes(string text, string flag)
    {
        string s = text.Trim();
        if (s == "-1") return -1;
        int i = 0;
        while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
        string num = s[..i], unit = s[i..].Trim().ToLowerInvariant();
        if (unit.EndsWith('b')) unit = unit[..^1];
        if (unit.EndsWith('i')) unit = unit[..^1];
        long mult = unit switch { "" => 1, "k" => 1L << 10, "m" => 1L << 20, "g" => 1L << 30, "t" => 1L << 40, "p" => 1L << 50, _ => 0 };
        if (mult == 0 || num.Length == 0 || !double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0)
            throw new RuntimeError($"{flag}: invalid size \"{text}\" (like 512, 100k, 64m, 1g, or -1)");
        return (long)(v * mult);
    }

    /// <summary>A Go duration ("5s", "500ms", "1m30s").</summary>
    internal static TimeSpan ParseDuration(string text, string flag)
    {
        double totalMs = 0;
        int i = 0;
        string s = text.Trim();
        if (s.Length == 0) throw new RuntimeError($"{flag}: empty duration");
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (start == i || !double.TryParse(s[start..i], NumberStyles.Float, CultureInfo.InvariantCulture, out double n))
                throw new RuntimeError($"{flag}: invalid duration \"{text}\" (like 5s, 500ms, 1m)");
            int u = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]) || i < s.Length && s[i] == 'µ') i++;
            double ms = s[u..i] switch
            {
                "ns" => 1e-6, "us" or "µs" => 1e-3, "ms" => 1, "s" => 1000, "m" => 60_000, "h" => 3_600_000,
                _ => throw new RuntimeError($"{flag}: invalid duration \"{text}\" (like 5s, 500ms, 1m)"),
            };
            totalMs += n * ms;
        }
        if (totalMs <= 0) throw new RuntimeError($"{flag}: duration must be positive, got \"{text}\"");
        return TimeSpan.FromMilliseconds(totalMs);
    }
}
