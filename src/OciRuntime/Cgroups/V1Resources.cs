using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>Writes linux.resources into v1 controller files.</summary>
internal static class V1Resources
{
    internal static void Write(V1Manager m, LinuxResources r)
    {
        if (r.Pids is { } pids && m.DirOf("pids") is { } pd)
            CgroupFs.Write(pd, "pids.max", pids.Limit is long pl && pl > 0 ? pl.ToString() : "max", "linux.resources.pids.limit");
        if (r.Memory is { } mem && m.DirOf("memory") is { } md)
        {
            if (mem.Limit is long limit)
                CgroupFs.Write(md, "memory.limit_in_bytes", limit.ToString(), "linux.resources.memory.limit");
            if (mem.Swap is long swap)
                CgroupFs.Write(md, "memory.memsw.limit_in_bytes", swap.ToString(), "linux.resources.memory.swap");
        }
        if (r.CPU is { } cpu && m.DirOf("cpu") is { } cd)
        {
            if (cpu.Shares is ulong shares) CgroupFs.Write(cd, "cpu.shares", shares.ToString(), "linux.resources.cpu.shares");
            if (cpu.Period is ulong period) CgroupFs.Write(cd, "cpu.cfs_period_us", period.ToString(), "linux.resources.cpu.period");
            if (cpu.Quota is long quota) CgroupFs.Write(cd, "cpu.cfs_quota_us", quota.ToString(), "linux.resources.cpu.quota");
        }
    }
}
