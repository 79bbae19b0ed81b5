using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>Writes linux.resources into v2 controller files.</summary>
internal static class V2Resources
{
    internal static void Write(V2Manager m, LinuxResources r)
    {
        if (r.Pids is { } pids)
            CgroupFs.Write(m.Dir, "pids.max", pids.Limit is long pl && pl > 0 ? pl.ToString() : "max", "linux.resources.pids.limit");
        if (r.Memory?.Limit is long limit)
            CgroupFs.Write(m.Dir, "memory.max", limit < 0 ? "max" : limit.ToString(), "linux.resources.memory.limit");
        if (r.Unified is { } unified)
            foreach (var (k, v) in unified) CgroupFs.Write(m.Dir, k, v, $"linux.resources.unified[\"{k}\"]");
    }
}
