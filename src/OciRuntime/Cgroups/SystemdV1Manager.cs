using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// --systemd-cgroup on a v1 (hybrid or legacy) host, as runc's v1 systemd driver: systemd makes the transient scope
/// with the v1 properties (MemoryLimit, CPUShares, BlockIOWeight...) and places the container's pid in the
/// controllers it manages (cpu, memory, pids, blkio, devices, its own name=systemd, and cgroup2 on a hybrid host); the
/// container then joins the other controllers (freezer, cpuset, net_cls...) at the same path, and every value is
/// also written to the files. Pause, stats, kill and exec's join are the v1 files', through <see cref="V1Manager"/>.
/// </summary>
internal sealed class SystemdV1Manager(CgroupLayout layout, SystemdCgroupPath unit)
    // systemd's scope has one path, the same in every hierarchy (the slice's, expanded, then the unit).
    : SystemdScopeManager(unit, new V1Manager(layout, unit.Recorded, _ => unit.CgroupPath))
{
    protected override void Refuse(LinuxResources resources)
    {
        if (resources.Unified is { Count: > 0 })
            throw new RuntimeError("linux.resources.unified: needs cgroup v2, and this host's controllers are on cgroup v1");
    }

    protected override List<SystemdProperty> StartProperties(int pid, LinuxResources? resources)
    {
        var props = SystemdProperties.Scope(Unit.Slice, "ocirun container " + Unit.Unit, pid, v1: true);
        props.AddRange(SystemdProperties.ResourcesV1(resources));
        return props;
    }

    /// <summary>The hierarchies systemd does not manage: made at the scope's path (cpuset inheriting its parent's
    /// cpus and mems), then the pid joins every one (where systemd put it already, the write changes nothing).</summary>
    protected override void JoinAfterStart(int pid)
    {
        Files.Create();
        Files.Apply(pid);
    }

    public override void Update(LinuxResources resources)
    {
        Refuse(resources);
        var props = SystemdProperties.ResourcesV1(resources);
        if (resources.Devices is not null) props.AddRange(SystemdProperties.Devices(resources.Devices));
        // On v1, systemd applies a new device list by denying everything and then allowing the list: frozen meanwhile,
        // as runc does, so the container never sees a spurious EPERM on /dev/null. Other properties leave devices be.
        bool thaw = resources.Devices is not null && !Files.IsFrozen() && TryFreeze();
        try
        {
            using var bus = SystemdBus.Connect();
            bus.SetUnitProperties(Unit.Unit, props);
        }
        finally
        {
            if (thaw) Files.Thaw();
        }
        Files.Update(resources);
    }

    private bool TryFreeze()
    {
        try { Files.Freeze(); return true; }
        catch (RuntimeError) { return false; }
    }
}
