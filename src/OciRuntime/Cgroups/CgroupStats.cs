using System.Text.Json.Serialization;

namespace OciRuntime.Cgroups;

// runc's `events` document (types/events.go), field for field, so tools that read runc's output read ours.

internal sealed class CgroupEvent
{
    [JsonPropertyName("type")] public string Type { get; set; } = "stats";
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("data")] public CgroupStats? Data { get; set; }
}

internal sealed class CgroupStats
{
    [JsonPropertyName("cpu")] public CpuStats Cpu { get; set; } = new();
    [JsonPropertyName("cpuset")] public CpusetStats CpuSet { get; set; } = new();
    [JsonPropertyName("memory")] public MemoryStats Memory { get; set; } = new();
    [JsonPropertyName("pids")] public PidsStats Pids { get; set; } = new();
    [JsonPropertyName("blkio")] public BlkioStats Blkio { get; set; } = new();
    [JsonPropertyName("hugetlb")] public Dictionary<string, HugetlbStats> Hugetlb { get; set; } = [];
}

internal sealed class CpuUsage
{
    [JsonPropertyName("total"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Total { get; set; }
    [JsonPropertyName("percpu"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? Percpu { get; set; }
    [JsonPropertyName("percpu_kernel"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? PercpuKernel { get; set; }
    [JsonPropertyName("percpu_user"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ulong>? PercpuUser { get; set; }
    [JsonPropertyName("kernel")] public ulong Kernel { get; set; }
    [JsonPropertyName("user")] public ulong User { get; set; }
}

internal sealed class Throttling
{
    [JsonPropertyName("periods"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Periods { get; set; }
    [JsonPropertyName("throttledPeriods"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledPeriods { get; set; }
    [JsonPropertyName("throttledTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong ThrottledTime { get; set; }
}

internal sealed class CpuStats
{
    [JsonPropertyName("usage")] public CpuUsage Usage { get; set; } = new();
    [JsonPropertyName("throttling")] public Throttling Throttling { get; set; } = new();
}

internal sealed class CpusetStats
{
    [JsonPropertyName("cpus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ushort>? Cpus { get; set; }
    [JsonPropertyName("mems"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<ushort>? Mems { get; set; }
    [JsonPropertyName("cpu_exclusive")] public ulong CpuExclusive { get; set; }
    [JsonPropertyName("mem_hardwall")] public ulong MemHardwall { get; set; }
    [JsonPropertyName("mem_exclusive")] public ulong MemExclusive { get; set; }
    [JsonPropertyName("memory_migrate")] public ulong MemoryMigrate { get; set; }
    [JsonPropertyName("memory_spread_page")] public ulong MemorySpreadPage { get; set; }
    [JsonPropertyName("memory_spread_slab")] public ulong MemorySpreadSlab { get; set; }
    [JsonPropertyName("memory_pressure")] public ulong MemoryPressure { get; set; }
    [JsonPropertyName("sched_load_balance")] public ulong SchedLoadBalance { get; set; }
    [JsonPropertyName("sched_relax_domain_level")] public long SchedRelaxDomainLevel { get; set; }
}

internal sealed class MemoryEntry
{
    [JsonPropertyName("limit")] public ulong Limit { get; set; }
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

internal sealed class MemoryStats
{
    [JsonPropertyName("cache"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Cache { get; set; }
    [JsonPropertyName("usage")] public MemoryEntry Usage { get; set; } = new();
    [JsonPropertyName("swap")] public MemoryEntry Swap { get; set; } = new();
    [JsonPropertyName("kernel")] public MemoryEntry Kernel { get; set; } = new();
    [JsonPropertyName("kernelTCP")] public MemoryEntry KernelTCP { get; set; } = new();
    [JsonPropertyName("raw"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public Dictionary<string, ulong>? Raw { get; set; }
}

internal sealed class PidsStats
{
    [JsonPropertyName("current"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Current { get; set; }
    [JsonPropertyName("limit"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Limit { get; set; }
}

internal sealed class BlkioEntry
{
    [JsonPropertyName("major"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Major { get; set; }
    [JsonPropertyName("minor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Minor { get; set; }
    [JsonPropertyName("op"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Op { get; set; }
    [JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Value { get; set; }
}

internal sealed class BlkioStats
{
    [JsonPropertyName("ioServiceBytesRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoServiceBytesRecursive { get; set; }
    [JsonPropertyName("ioServicedRecursive"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public List<BlkioEntry>? IoServicedRecursive { get; set; }
}

internal sealed class HugetlbStats
{
    [JsonPropertyName("usage"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Usage { get; set; }
    [JsonPropertyName("max"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public ulong Max { get; set; }
    [JsonPropertyName("failcnt")] public ulong Failcnt { get; set; }
}

[JsonSerializable(typeof(CgroupEvent))]
[JsonSerializable(typeof(List<int>))]
internal sealed partial class CgroupJsonContext : JsonSerializerContext;

/// <summary>Readers that fill <see cref="CgroupStats"/> from v1 and v2 files (absent files leave zeros).</summary>
internal static class StatsReader
{
    internal static List<ushort>? ParseCpuList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var list = new List<ushort>();
        foreach (var part in text.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var r = part.Split('-');
            if (!ushort.TryParse(r[0], out ushort a)) continue;
            ushort b = r.Length > 1 && ushort.TryParse(r[1], out ushort x) ? x : a;
            for (int i = a; i <= b; i++) list.Add((ushort)i);
        }
        return list;
    }

    private static List<ulong>? Numbers(string? text) =>
        text is null ? null : text.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(s => ulong.TryParse(s, out var v) ? v : 0).ToList();

    private static ulong U(string? dir, string file) => dir is null ? 0 : CgroupFs.ReadUlong(dir, file) ?? 0;

    /// <summary>"maj:min Op value" lines (blkio.*_recursive); the "Total" line is dropped as runc does.</summary>
    internal static List<BlkioEntry>? ParseBlkio(string? text)
    {
        if (text is null) return null;
        var list = new List<BlkioEntry>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length != 3) continue;
            var mm = f[0].Split(':');
            if (mm.Length != 2 || !ulong.TryParse(mm[0], out var ma) || !ulong.TryParse(mm[1], out var mi) || !ulong.TryParse(f[2], out var v)) continue;
            list.Add(new BlkioEntry { Major = ma, Minor = mi, Op = f[1], Value = v });
        }
        return list;
    }

    internal static CgroupStats V1(Func<string, string?> dirOf)
    {
        var s = new CgroupStats();
        if (dirOf("cpuacct") is { } acct)
        {
            s.Cpu.Usage.Total = U(acct, "cpuacct.usage");
            s.Cpu.Usage.Percpu = Numbers(CgroupFs.TryRead(acct, "cpuacct.usage_percpu"));
            s.Cpu.Usage.PercpuKernel = Numbers(CgroupFs.TryRead(acct, "cpuacct.usage_percpu_sys"));
            s.Cpu.Usage.PercpuUser = Numbers(CgroupFs.TryRead(acct, "cpuacct.usage_percpu_user"));
            // cpuacct.stat is in USER_HZ ticks; runc reports nanoseconds.
            var st = CgroupFs.ReadKeyed(acct, "cpuacct.stat");
            s.Cpu.Usage.User = st.GetValueOrDefault("user") * 10_000_000;
            s.Cpu.Usage.Kernel = st.GetValueOrDefault("system") * 10_000_000;
        }
        if (dirOf("cpu") is { } cpu)
        {
            var st = CgroupFs.ReadKeyed(cpu, "cpu.stat");
            s.Cpu.Throttling.Periods = st.GetValueOrDefault("nr_periods");
            s.Cpu.Throttling.ThrottledPeriods = st.GetValueOrDefault("nr_throttled");
            s.Cpu.Throttling.ThrottledTime = st.GetValueOrDefault("throttled_time");
        }
        if (dirOf("cpuset") is { } cs)
        {
            s.CpuSet.Cpus = ParseCpuList(CgroupFs.TryRead(cs, "cpuset.cpus"));
            s.CpuSet.Mems = ParseCpuList(CgroupFs.TryRead(cs, "cpuset.mems"));
            s.CpuSet.CpuExclusive = U(cs, "cpuset.cpu_exclusive");
            s.CpuSet.MemHardwall = U(cs, "cpuset.mem_hardwall");
            s.CpuSet.MemExclusive = U(cs, "cpuset.mem_exclusive");
            s.CpuSet.MemoryMigrate = U(cs, "cpuset.memory_migrate");
            s.CpuSet.MemorySpreadPage = U(cs, "cpuset.memory_spread_page");
            s.CpuSet.MemorySpreadSlab = U(cs, "cpuset.memory_spread_slab");
            s.CpuSet.MemoryPressure = U(cs, "cpuset.memory_pressure");
            s.CpuSet.SchedLoadBalance = U(cs, "cpuset.sched_load_balance");
            s.CpuSet.SchedRelaxDomainLevel = V1Map.ParseLong(CgroupFs.TryRead(cs, "cpuset.sched_relax_domain_level")) ?? 0;
        }
        if (dirOf("memory") is { } mem)
        {
            var raw = CgroupFs.ReadKeyed(mem, "memory.stat");
            s.Memory.Raw = raw;
            s.Memory.Cache = raw.GetValueOrDefault("cache");
            MemoryEntry Entry(string prefix) => new()
            {
                Usage = U(mem, prefix + ".usage_in_bytes"), Max = U(mem, prefix + ".max_usage_in_bytes"),
                Failcnt = U(mem, prefix + ".failcnt"), Limit = U(mem, prefix + ".limit_in_bytes"),
            };
            s.Memory.Usage = Entry("memory");
            s.Memory.Swap = Entry("memory.memsw");
            s.Memory.Kernel = Entry("memory.kmem");
            s.Memory.KernelTCP = Entry("memory.kmem.tcp");
        }
        if (dirOf("pids") is { } pids)
        {
            s.Pids.Current = U(pids, "pids.current");
            var max = CgroupFs.ReadUlong(pids, "pids.max");
            s.Pids.Limit = max is null or ulong.MaxValue ? 0 : max.Value;
        }
        if (dirOf("blkio") is { } blk)
        {
            s.Blkio.IoServiceBytesRecursive = ParseBlkio(CgroupFs.TryRead(blk, "blkio.throttle.io_service_bytes_recursive"));
            s.Blkio.IoServicedRecursive = ParseBlkio(CgroupFs.TryRead(blk, "blkio.throttle.io_serviced_recursive"));
        }
        if (dirOf("hugetlb") is { } h)
            foreach (var f in Directory.EnumerateFiles(h, "hugetlb.*.usage_in_bytes"))
            {
                string size = Path.GetFileName(f)["hugetlb.".Length..^".usage_in_bytes".Length];
                if (size.EndsWith(".rsvd", StringComparison.Ordinal)) continue;
                s.Hugetlb[size] = new HugetlbStats
                {
                    Usage = U(h, $"hugetlb.{size}.usage_in_bytes"), Max = U(h, $"hugetlb.{size}.max_usage_in_bytes"), Failcnt = U(h, $"hugetlb.{size}.failcnt"),
                };
            }
        return s;
    }

    internal static CgroupStats V2(string dir)
    {
        var s = new CgroupStats();
        var cpu = CgroupFs.ReadKeyed(dir, "cpu.stat");
        s.Cpu.Usage.Total = cpu.GetValueOrDefault("usage_usec") * 1000;
        s.Cpu.Usage.User = cpu.GetValueOrDefault("user_usec") * 1000;
        s.Cpu.Usage.Kernel = cpu.GetValueOrDefault("system_usec") * 1000;
        s.Cpu.Throttling.Periods = cpu.GetValueOrDefault("nr_periods");
        s.Cpu.Throttling.ThrottledPeriods = cpu.GetValueOrDefault("nr_throttled");
        s.Cpu.Throttling.ThrottledTime = cpu.GetValueOrDefault("throttled_usec") * 1000;
        s.CpuSet.Cpus = ParseCpuList(CgroupFs.TryRead(dir, "cpuset.cpus.effective"));
        s.CpuSet.Mems = ParseCpuList(CgroupFs.TryRead(dir, "cpuset.mems.effective"));
        if (CgroupFs.Has(dir, "memory.current"))
        {
            var raw = CgroupFs.ReadKeyed(dir, "memory.stat");
            s.Memory.Raw = raw;
            s.Memory.Cache = raw.GetValueOrDefault("file");
            var events = CgroupFs.ReadKeyed(dir, "memory.events");
            static ulong Lim(ulong? v) => v ?? 0;
            s.Memory.Usage = new MemoryEntry
            {
                Usage = U(dir, "memory.current"), Max = U(dir, "memory.peak"), Limit = Lim(CgroupFs.ReadUlong(dir, "memory.max")),
                Failcnt = events.GetValueOrDefault("max"),
            };
            s.Memory.Swap = new MemoryEntry
            {
                Usage = U(dir, "memory.swap.current") + s.Memory.Usage.Usage, Max = U(dir, "memory.swap.peak"),
                Limit = Lim(CgroupFs.ReadUlong(dir, "memory.swap.max")), Failcnt = CgroupFs.ReadKeyed(dir, "memory.swap.events").GetValueOrDefault("max"),
            };
        }
        s.Pids.Current = U(dir, "pids.current");
        var pmax = CgroupFs.ReadUlong(dir, "pids.max");
        s.Pids.Limit = pmax is null or ulong.MaxValue ? 0 : pmax.Value;
        if (CgroupFs.TryRead(dir, "io.stat") is { } io)
        {
            var bytes = new List<BlkioEntry>();
            var ops = new List<BlkioEntry>();
            foreach (var line in io.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var mm = f[0].Split(':');
                if (mm.Length != 2 || !ulong.TryParse(mm[0], out var ma) || !ulong.TryParse(mm[1], out var mi)) continue;
                foreach (var kv in f.Skip(1))
                {
                    var p = kv.Split('=');
                    if (p.Length != 2 || !ulong.TryParse(p[1], out var v)) continue;
                    switch (p[0])
                    {
                        case "rbytes": bytes.Add(new BlkioEntry { Major = ma, Minor = mi, Op = "Read", Value = v }); break;
                        case "wbytes": bytes.Add(new BlkioEntry { Major = ma, Minor = mi, Op = "Write", Value = v }); break;
                        case "rios": ops.Add(new BlkioEntry { Major = ma, Minor = mi, Op = "Read", Value = v }); break;
                        case "wios": ops.Add(new BlkioEntry { Major = ma, Minor = mi, Op = "Write", Value = v }); break;
                    }
                }
            }
            s.Blkio.IoServiceBytesRecursive = bytes;
            s.Blkio.IoServicedRecursive = ops;
        }
        foreach (var f in Directory.EnumerateFiles(dir, "hugetlb.*.current"))
        {
            string size = Path.GetFileName(f)["hugetlb.".Length..^".current".Length];
            if (size.EndsWith(".rsvd", StringComparison.Ordinal)) continue;
            var max = CgroupFs.ReadUlong(dir, $"hugetlb.{size}.max");
            s.Hugetlb[size] = new HugetlbStats
            {
                Usage = U(dir, $"hugetlb.{size}.current"), Max = max is null or ulong.MaxValue ? 0 : max.Value,
                Failcnt = CgroupFs.ReadKeyed(dir, $"hugetlb.{size}.events").GetValueOrDefault("max"),
            };
        }
        return s;
    }
}
