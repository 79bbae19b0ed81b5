using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// --systemd-cgroup on a v1 (hybrid or legacy) host, as runc's v1 systemd driver: systemd makes the transient scope
/// with the v1 properties (MemoryLimit, CPUShares, BlockIOWeight...) and places the container's pid in the
/// controllers it manages (cpu, memory, pids, blkio, devices, its own name=systemd, and cgroup2 on a hybrid host); the
/// container then joins the other controllers (freezer, cpuset, net_cls...) at the same path, and every value is
/// also written to the files. Pause, stats, kill and exec's join are the v1 files', through <see cref="V1Manager"/>.
/// </summary>
internal sealed class SystemdV1Manager : ICgroupManager
{
    private readonly SystemdCgroupPath _unit;
    private readonly V1Manager _fs;
    // Create's limits wait here for Apply: a scope cannot start without a process in it.
    private LinuxResources? _atStart;

    public SystemdV1Manager(CgroupLayout layout, SystemdCgroupPath unit)
    {
        _unit = unit;
        // systemd's scope has one path, the same in every hierarchy (the slice's, expanded, then the unit).
        _fs = new V1Manager(layout, unit.Recorded, _ => unit.CgroupPath);
    }

    public string Path => _unit.Recorded;

    public void Create() { }

    public void Set(LinuxResources resources)
    {
        // Refused before systemd is asked for anything: a unit started for a config that cannot run is one more to stop.
        if (resources.Unified is { Count: > 0 })
            throw new RuntimeError("linux.resources.unified: needs cgroup v2, and this host's controllers are on cgroup v1");
        if (!_fs.Exists()) { _atStart = resources; return; }
        Update(resources);
    }

    public void Apply(int pid)
    {
        // exec: the scope runs already; its new process joins through the files, as with cgroupfs.
        if (_fs.Exists()) { _fs.Apply(pid); return; }
        var props = SystemdProperties.Scope(_unit.Slice, "ocirun container " + _unit.Unit, pid, v1: true);
        props.AddRange(SystemdProperties.ResourcesV1(_atStart));
        props.AddRange(SystemdProperties.Devices(_atStart?.Devices));
        using (var bus = SystemdBus.Connect()) bus.StartTransientUnit(_unit.Unit, props);
        // The hierarchies systemd does not manage: made at the scope's path (cpuset inheriting its parent's cpus and
        // mems), then the pid joins every one (where systemd put it already, the write changes nothing).
        _fs.Create();
        _fs.Apply(pid);
        _fs.Set(_atStart ?? new LinuxResources());
    }

    public void Update(LinuxResources resources)
    {
        if (resources.Unified is { Count: > 0 })
            throw new RuntimeError("linux.resources.unified: needs cgroup v2, and this host's controllers are on cgroup v1");
        var props = SystemdProperties.ResourcesV1(resources);
        if (resources.Devices is not null) props.AddRange(SystemdProperties.Devices(resources.Devices));
        // On v1, systemd applies a new device list by denying everything and then allowing the list: frozen meanwhile,
        // as runc does, so the container never sees a spurious EPERM on /dev/null. Other properties leave devices be.
        bool thaw = resources.Devices is not null && !_fs.IsFrozen() && TryFreeze();
        try
        {
            using var bus = SystemdBus.Connect();
            bus.SetUnitProperties(_unit.Unit, props);
        }
        finally
        {
            if (thaw) _fs.Thaw();
        }
        _fs.Update(resources);
    }

    private bool TryFreeze()
    {
        try { _fs.Freeze(); return true; }
        catch (RuntimeError) { return false; }
    }

    public void Freeze() => _fs.Freeze();
    public void Thaw() => _fs.Thaw();
    public bool IsFrozen() => _fs.IsFrozen();
    public IReadOnlyList<int> Pids() => _fs.Pids();
    public void KillAll(int signal) => _fs.KillAll(signal);

    public void Destroy() => SystemdScopeTeardown.Destroy(_fs, _unit.Unit);

    public bool Exists() => _fs.Exists();
    public CgroupStats Stats() => _fs.Stats();
    public OomWatcher? WatchOom() => _fs.WatchOom();
}
