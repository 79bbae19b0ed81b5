using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>--systemd-cgroup on cgroup v2, as runc's systemd driver: the v2 properties (MemoryMax, CPUWeight,
/// TasksMax, the `unified` keys systemd knows...), the rest written to the scope's cgroup2 files.</summary>
internal sealed class SystemdManager(CgroupHierarchy v2, SystemdCgroupPath unit)
    : SystemdScopeManager(unit, new V2Manager(v2.MountPoint, unit.CgroupPath))
{
    protected override List<SystemdProperty> StartProperties(int pid, LinuxResources? resources)
    {
        var props = SystemdProperties.Scope(Unit.Slice, "ocirun container " + Unit.Unit, pid);
        props.AddRange(SystemdProperties.Resources(resources));
        return props;
    }

    public override void Update(LinuxResources resources)
    {
        var props = SystemdProperties.Resources(resources);
        // An update without devices keeps the container's; one with them replaces the unit's list (and our filter).
        if (resources.Devices is not null) props.AddRange(SystemdProperties.Devices(resources.Devices));
        using (var bus = SystemdBus.Connect()) bus.SetUnitProperties(Unit.Unit, props);
        Files.Update(resources);
    }
}
