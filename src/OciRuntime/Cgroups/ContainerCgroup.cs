using OciRuntime.State;

namespace OciRuntime.Cgroups;

/// <summary>A container's record, cgroup and status, as the cgroup commands (pause, resume, update, ps, events) need them.</summary>
internal sealed record ContainerCgroup(ContainerRecord Record, ICgroupManager Cgroup, LifecycleStatus Status)
{
    /// <summary><paramref name="known"/>: the container's cgroup when the caller has it already (`run`).</summary>
    internal static ContainerCgroup Open(StateStore store, string id, ICgroupManager? known = null)
    {
        StateStore.ValidateId(id);
        var rec = store.Load(id);
        var cg = Security.Rootless.Cgroup(known ?? CgroupManagerFactory.Create(rec.CgroupPath, id), null);
        return new ContainerCgroup(rec, cg, StatusProbe.Probe(store, rec, () => cg));
    }

    internal LifecycleStatus Reprobe(StateStore store) => StatusProbe.Probe(store, Record, () => Cgroup);
}
