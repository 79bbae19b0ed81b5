using OciRuntime.Interop;
using OciRuntime.Cgroups;

namespace OciRuntime.State;

/// <summary>Derives a container's status from the kernel, never from a stored field.</summary>
internal static class StatusProbe
{
    /// <summary><paramref name="rootFd"/>: <see cref="StateStore.OpenRoot"/>'s descriptor during a pass over all
    /// containers, else -1.</summary>
    internal static LifecycleStatus Probe(StateStore store, ContainerRecord rec, Func<ICgroupManager?>? cgroup = null, int rootFd = -1)
    {
        if (!rec.Complete) return rec.Pid > 0 && ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime) ? LifecycleStatus.Creating : LifecycleStatus.Stopped;
        if (!ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime)) return LifecycleStatus.Stopped;
        // (access(2), not File.Exists: list asks this of every container, and the framework's check allocates.)
        if (Sys.TryAccessAt(rootFd >= 0 ? rootFd : Sys.AT_FDCWD, store.PathOf(rec.Id, StateStore.FifoFile, rootFd), 0) == 0)
            return LifecycleStatus.Created;
        var cg = cgroup?.Invoke();
        if (cg is not null && cg.IsFrozen()) return LifecycleStatus.Paused;
        return LifecycleStatus.Running;
    }
}
