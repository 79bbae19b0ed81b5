namespace OciRuntime.Cgroups;

/// <summary>
/// linux.resources.unified keys that systemd has a property for, as runc's unifiedResToSystemdProps maps them: set
/// on the unit too, so that systemd, which re-applies a unit's properties to its cgroup whenever it reloads, puts
/// back the container's value rather than its own default. Every key is still written to its file afterwards (this is
/// only the unit's copy), and a key without a property (memory.oom.group, io.*, ...) goes to the file only.
/// </summary>
internal static class SystemdUnifiedProperties
{
    internal static List<SystemdProperty> From(IReadOnlyDictionary<string, string>? unified)
    {
        var p = new List<SystemdProperty>();
        if (unified is null) return p;
        // cpu.idle 1 is applied by the file; a weight beside it would be refused by the kernel, as runc warns.
        bool idle = unified.TryGetValue("cpu.idle", out var idleValue) && idleValue.Trim() == "1";
        // Sorted: the order of the config's keys must not change what systemd is sent.
        foreach (var (key, raw) in unified.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            string field = $"linux.resources.unified[\"{key}\"]";
            string v = raw.Trim();
            switch (key)
            {
                case "cpu.weight" when !idle:
                    p.Add(new("CPUWeight", new SystemdValue.UInt64(Number(v, field, allowMax: false)), field));
                    break;
                case "cpu.max":
                    CpuMax(p, v, field);
                    break;
                case "cpuset.cpus":
                    p.Add(new("AllowedCPUs", new SystemdValue.Bytes(SystemdProperties.Bitmask(v, field)), field));
                    break;
                case "cpuset.mems":
                    p.Add(new("AllowedMemoryNodes", new SystemdValue.Bytes(SystemdProperties.Bitmask(v, field)), field));
                    break;
                case "memory.high": p.Add(new("MemoryHigh", new SystemdValue.UInt64(Number(v, field)), field)); break;
                case "memory.low": p.Add(new("MemoryLow", new SystemdValue.UInt64(Number(v, field)), field)); break;
                case "memory.min": p.Add(new("MemoryMin", new SystemdValue.UInt64(Number(v, field)), field)); break;
                case "memory.max": p.Add(new("MemoryMax", new SystemdValue.UInt64(Number(v, field)), field)); break;
                case "memory.swap.max": p.Add(new("MemorySwapMax", new SystemdValue.UInt64(Number(v, field)), field)); break;
                case "pids.max": p.Add(new("TasksMax", new SystemdValue.UInt64(Number(v, field)), field)); break;
            }
        }
        return p;
    }

    /// <summary>cpu.max "QUOTA [PERIOD]" (QUOTA may be "max"): the period as given or the kernel's 100 ms, and the
    /// quota per second as for linux.resources.cpu.quota.</summary>
    private static void CpuMax(List<SystemdProperty> p, string v, string field)
    {
        var parts = v.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2)
            throw new RuntimeError($"{field}: \"{v}\" is not \"QUOTA [PERIOD]\"");
        long quota = parts[0] == "max" ? 0 : (long)Number(parts[0], field, allowMax: false, max: long.MaxValue);
        ulong period = parts.Length == 2 ? Number(parts[1], field, allowMax: false) : 100_000;
        p.Add(new("CPUQuotaPeriodUSec", new SystemdValue.UInt64(period), field));
        p.Add(new("CPUQuotaPerSecUSec", new SystemdValue.UInt64(SystemdProperties.QuotaPerSecond(quota, period)), field));
    }

    /// <summary>A decimal number, or "max" (systemd's infinity) where the file takes it.</summary>
    private static ulong Number(string v, string field, bool allowMax = true, ulong max = ulong.MaxValue)
    {
        if (allowMax && v == "max") return SystemdProperties.Infinity;
        if (ulong.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong n) && n <= max)
            return n;
        throw new RuntimeError($"{field}: \"{v}\" is not a number{(allowMax ? " or max" : "")}");
    }
}
