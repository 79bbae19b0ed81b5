using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// What runc's systemd drivers share on v1 and v2: the container's cgroup is a transient scope systemd makes
/// (Delegate=yes, the container's pid, its slice, the limits systemd has properties for), started when the first
/// pid is known; the rest is written to the scope's files, and freeze, stats, kill and exec's join go to the files.
/// A driver gives its properties and how its files are written (<see cref="Files"/>).
/// </summary>
internal abstract class SystemdScopeManager(SystemdCgroupPath unit, ICgroupManager files) : ICgroupManager
{
    protected SystemdCgroupPath Unit { get; } = unit;
    protected ICgroupManager Files { get; } = files;
    // Create's limits wait here for Apply: a scope cannot start without a process in it.
    private LinuxResources? _atStart;

    public string Path => Unit.Recorded;

    public void Create() { }

    public void Set(LinuxResources resources)
    {
        Refuse(resources);
        if (!Files.Exists()) { _atStart = resources; return; }
        Update(resources);
    }

    public void Apply(int pid)
    {
        // exec: the scope runs already; its new process joins through the files, as with cgroupfs.
        if (Files.Exists()) { Files.Apply(pid); return; }
        var props = StartProperties(pid, _atStart);
        props.AddRange(SystemdProperties.Devices(_atStart?.Devices));
        using (var bus = SystemdBus.Connect()) bus.StartTransientUnit(Unit.Unit, props);
        JoinAfterStart(pid);
        Files.Set(_atStart ?? new LinuxResources());
    }

    /// <summary>A config this driver cannot run, refused before systemd is asked for anything (a unit started for
    /// it would be one more to stop).</summary>
    protected virtual void Refuse(LinuxResources resources) { }

    /// <summary>The scope's properties at start: the unit's own and the resources systemd has properties for.</summary>
    protected abstract List<SystemdProperty> StartProperties(int pid, LinuxResources? resources);

    /// <summary>After systemd placed the pid in the hierarchies it manages.</summary>
    protected virtual void JoinAfterStart(int pid) { }

    public abstract void Update(LinuxResources resources);

    public void Freeze() => Files.Freeze();
    public void Thaw() => Files.Thaw();
    public bool IsFrozen() => Files.IsFrozen();
    public IReadOnlyList<int> Pids() => Files.Pids();
    public void KillAll(int signal) => Files.KillAll(signal);
    public bool Exists() => Files.Exists();
    public CgroupStats Stats() => Files.Stats();
    public OomWatcher? WatchOom() => Files.WatchOom();

    /// <summary>Kills what is left, stops the unit (systemd forgets an emptied scope by itself, and removes the
    /// directories it made; stopping one it forgot is not an error), then removes through <see cref="Files"/>
    /// whatever the container made or joined on its own. A unit systemd would not stop matters only if its cgroup is
    /// still there.</summary>
    public void Destroy()
    {
        if (Files.Exists()) { try { Files.KillAll(Sys.SIGKILL); } catch (RuntimeError) { } }
        RuntimeError? stop = null;
        if (File.Exists(SystemdBus.PrivateSocket))
        {
            try
            {
                using var bus = SystemdBus.Connect();
                bus.StopUnit(Unit.Unit);
            }
            catch (RuntimeError e) { stop = e; }
        }
        Files.Destroy();
        if (stop is not null && Files.Exists()) throw stop;
    }
}
