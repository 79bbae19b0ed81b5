using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// --systemd-cgroup on cgroup v2, as runc's systemd driver: systemd makes the container's cgroup as a transient scope
/// (Delegate=yes, the container's pid, its slice, the limits systemd has properties for), and the rest is written to
/// the scope's files directly. Freeze, stats, kill and exec's join go to the files, as runc's do.
/// </summary>
internal sealed class SystemdManager(CgroupHierarchy v2, SystemdCgroupPath unit) : ICgroupManager
{
    private readonly V2Manager _fs = new(v2.MountPoint, unit.CgroupPath);
    // Create's limits wait here for Apply: a scope cannot start without a process in it.
    private LinuxResources? _atStart;

    public string Path => unit.Recorded;

    public void Create() { }

    public void Set(LinuxResources resources)
    {
        if (!_fs.Exists()) { _atStart = resources; return; }
        Update(resources);
    }

    public void Apply(int pid)
    {
        // exec: the scope runs already; its new process joins through the file, as with cgroupfs.
        if (_fs.Exists()) { _fs.Apply(pid); return; }
        var props = SystemdProperties.Scope(unit.Slice, "ocirun container " + unit.Unit, pid);
        props.AddRange(SystemdProperties.Resources(_atStart));
        props.AddRange(SystemdProperties.Devices(_atStart?.Devices));
        using (var bus = SystemdBus.Connect()) bus.StartTransientUnit(unit.Unit, props);
        _fs.Set(_atStart ?? new LinuxResources());
    }

    public void Update(LinuxResources resources)
    {
        var props = SystemdProperties.Resources(resources);
        // An update without devices keeps the container's; one with them replaces the unit's list (and our filter).
        if (resources.Devices is not null) props.AddRange(SystemdProperties.Devices(resources.Devices));
        using (var bus = SystemdBus.Connect()) bus.SetUnitProperties(unit.Unit, props);
        _fs.Update(resources);
    }

    public void Freeze() => _fs.Freeze();
    public void Thaw() => _fs.Thaw();
    public bool IsFrozen() => _fs.IsFrozen();
    public IReadOnlyList<int> Pids() => _fs.Pids();
    public void KillAll(int signal) => _fs.KillAll(signal);

    public void Destroy() => SystemdScopeTeardown.Destroy(_fs, unit.Unit);

    public bool Exists() => _fs.Exists();
    public CgroupStats Stats() => _fs.Stats();
    public OomWatcher? WatchOom() => _fs.WatchOom();
}
