using OciRuntime.Interop;
using OciRuntime.Cgroups;

namespace OciRuntime.State;

/// <summary>Derives a container's status from the kernel, never from a stored field.</summary>
internal static class StatusProbe
{
    internal static LifecycleStatus Probe(StateStore store, ContainerRecord rec, Func<ICgroupManager?>? cgroup = null)
    {
        if (!rec.Complete) return rec.Pid > 0 && ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime) ? LifecycleStatus.Creating : LifecycleStatus.Stopped;
        if (!ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime)) return LifecycleStatus.Stopped;
        // (access(2), not File.Exists: list asks this of every container, and the framework's check allocates.)
        if (Sys.Access(Path.Join(store.DirOf(rec.Id), StateStore.FifoFile), 0) == 0) return LifecycleStatus.Created;
        var cg = cgroup?.Invoke();
        if (cg is not null && cg.IsFrozen()) return LifecycleStatus.Paused;
        return LifecycleStatus.Running;
    }
}
