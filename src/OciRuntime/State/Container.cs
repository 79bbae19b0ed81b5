using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.State;

/// <summary>
/// One container's entry, &lt;root&gt;/&lt;id&gt;: its record (state.json), the copy of its config, the exec FIFO and
/// the lock, with the container's status and the one table of what may be done in it (<see cref="Transitions"/>).
/// Every command reaches a container through this object: `create` and `restore` by <see cref="Claim"/>, which
/// also undoes a failed create, the others by <see cref="Open"/>.
/// </summary>
internal sealed class Container : IDisposable
{
    private readonly StateStore _store;
    private readonly int _rootFd;
    private ContainerLock? _lock;
    private ContainerRecord? _record;
    private ICgroupManager? _cgroup, _knownCgroup;
    private Spec? _config;

    private Container(StateStore store, string id, ContainerLock? lck, ContainerRecord? record, int rootFd = -1)
    {
        _store = store;
        Id = id;
        _lock = lck;
        _record = record;
        _rootFd = rootFd;
    }

    public string Id { get; }
    public string Dir => _store.DirOf(Id);
    public string FifoPath => Path.Join(Dir, StateStore.FifoFile);
    public string ConfigPath => Path.Join(Dir, StateStore.ConfigFile);

    /// <summary>The record; a claimed container has one once <see cref="SaveFirst"/> ran.</summary>
    public ContainerRecord Record => _record ?? throw new InvalidOperationException($"container {Id}: no record saved yet");

    /// <summary>The status derived from the kernel when the container was opened (or last <see cref="Reprobe"/>).</summary>
    public LifecycleStatus Status { get; private set; } = LifecycleStatus.Creating;

    /// <summary>The container's cgroup, made from the record's path on first use.</summary>
    public ICgroupManager Cgroup =>
        _cgroup ??= Security.Rootless.Cgroup(_knownCgroup ?? CgroupManagerFactory.Create(Record.CgroupPath, Id), null);

    /// <summary>An existing container. <paramref name="locked"/>: hold its lock until <see cref="Dispose"/> (the
    /// commands that change it). <paramref name="knownCgroup"/>, <paramref name="knownConfig"/>: what the caller has
    /// already (`run`), so nothing is looked up or parsed twice.</summary>
    internal static Container Open(StateStore store, string id, bool locked = false, ICgroupManager? knownCgroup = null, Spec? knownConfig = null)
    {
        StateStore.ValidateId(id);
        var lck = locked ? store.Lock(id) : null;
        try
        {
            var c = new Container(store, id, lck, store.Load(id)) { _knownCgroup = knownCgroup, _config = knownConfig };
            c.Reprobe();
            return c;
        }
        catch
        {
            lck?.Dispose();
            throw;
        }
    }

    /// <summary>An existing container under a lock <paramref name="held"/> by the caller, who keeps it (and
    /// releases it) whatever this throws: delete goes on under it with an entry that holds no record.</summary>
    internal static Container OpenLocked(StateStore store, ContainerLock held, ICgroupManager? knownCgroup = null, Spec? knownConfig = null)
    {
        var c = new Container(store, held.Id, null, store.Load(held.Id)) { _knownCgroup = knownCgroup, _config = knownConfig };
        c.Reprobe();
        return c;
    }

    /// <summary>For a pass over every entry (list): the record read relative to <see cref="StateStore.OpenRoot"/>'s
    /// descriptor, unlocked. The id comes from the directory, so it is not validated again.</summary>
    internal static Container Peek(StateStore store, string id, int rootFd)
    {
        var c = new Container(store, id, null, store.Load(id, rootFd), rootFd);
        c.Reprobe();
        return c;
    }

    /// <summary>`create` and `restore`: claims the id (an error if it is taken) and holds the lock; nothing is in
    /// the entry until <see cref="SaveFirst"/>.</summary>
    internal static Container Claim(StateStore store, string id)
    {
        StateStore.ValidateId(id);
        return new Container(store, id, store.CreateNew(id), null);
    }

    internal LifecycleStatus Reprobe() => Status = StatusProbe.Probe(_store, Record, () => Cgroup, _rootFd);

    /// <summary>Throws the refusal, in runc's words, unless <paramref name="op"/> may act in the current status.</summary>
    internal void Require(Operation op) => Transitions.Require(op, Id, Status);

    internal StateView View() => StateView.Of(Record, Status);

    /// <summary>The config the container was created with, parsed once. A copy that is missing or unreadable is an
    /// error naming the file: hooks are never skipped because of it.</summary>
    internal Spec Config() => _config ??= ReadConfig(_store, Id) ?? throw DamagedConfig(Id, ConfigPath, "missing");

    /// <summary>The config copy of entry <paramref name="id"/>; null when there is none (a create killed before it
    /// was written), <see cref="DamagedState"/> naming the file when it cannot be read.</summary>
    internal static Spec? ReadConfig(StateStore store, string id)
    {
        string path = Path.Join(store.DirOf(id), StateStore.ConfigFile);
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw DamagedConfig(id, path, RuntimeError.FromIo(null, "read", e).Message);
        }
        try { return OciJson.ParseSpec(bytes); }
        catch (Exception e) when (e is SpecFormatException or System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            throw DamagedConfig(id, path, e.Message.Split('\n')[0]);
        }
    }

    private static DamagedState DamagedConfig(string id, string path, string why) =>
        new(id, Damage.Config, $"container \"{id}\": its config copy {path} is damaged ({why})");

    /// <summary>Create's first save: the record (no pid yet) and the config copy, before anything else exists, so
    /// `delete --force` can clean up after a crash at any later point.</summary>
    internal void SaveFirst(ContainerRecord record, Spec config)
    {
        Save(record);
        SaveConfig(config);
    }

    internal void Save(ContainerRecord record)
    {
        _store.Save(record);
        _record = record;
    }

    /// <summary>A new config copy (update's merged resources), atomically.</summary>
    internal void SaveConfig(Spec config)
    {
        StateStore.WriteAtomic(ConfigPath, OciJson.Serialize(config));
        _config = config;
    }

    /// <summary>Create (or restore) finished: <paramref name="pid"/> is the container's process from now on.</summary>
    internal ContainerRecord Complete(int pid)
    {
        ProcStat.TryRead(pid, out _, out ulong start);
        Save(Record with { Pid = pid, PidStartTime = start, Complete = true });
        return Record;
    }

    /// <summary>rw--w--w- (0622): written as bits, owner/group/other.</summary>
    private const int FifoMode = 0b110_010_010, FifoCreateMode = 0b110_000_000;

    /// <summary>Makes the exec FIFO and returns an O_PATH descriptor of it for init.</summary>
    internal int MakeFifo()
    {
        Sys.Check(Sys.TryMknod(FifoPath, Sys.S_IFIFO | FifoCreateMode, 0), $"mkfifo {FifoPath}");
        // 0622 (umask would drop it at mknod): init may have become another user, or mapped root, before it
        // opens the FIFO through /proc/self/fd; the state directory (0700) still keeps everyone else out.
        Sys.Check(Sys.TryChmod(FifoPath, FifoMode), $"chmod {FifoPath}");
        return Sys.Open(FifoPath, Sys.O_PATH);
    }

    /// <summary>After start released init: the FIFO's absence is what says "no longer created".</summary>
    internal void RemoveFifo() => File.Delete(FifoPath);

    /// <summary>
    /// Undoes a failed create or restore, each step whatever the previous did: kills what runs in
    /// <paramref name="cgroup"/> and removes it, then the resctrl group, the mounts made in the host's namespace,
    /// and the entry.
    /// </summary>
    internal void Rollback(ICgroupManager? cgroup, string rootfs)
    {
        try { cgroup?.KillAll(Sys.SIGKILL); } catch (Exception) { }
        try { cgroup?.Destroy(); } catch (Exception) { }
        try { Resctrl.IntelRdt.Remove(Dir); } catch (Exception) { }
        try { Rootfs.HostMounts.Remove(Dir, rootfs); } catch (Exception) { }
        try { _store.Remove(Id); } catch (Exception) { }
    }

    /// <summary>Delete's last step, once the cgroup is gone: the resctrl group, host mounts, then the entry.</summary>
    internal void RemoveEntry()
    {
        Resctrl.IntelRdt.Remove(Dir);
        Rootfs.HostMounts.Remove(Dir, Record.Rootfs);
        _store.Remove(Id);
    }

    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
