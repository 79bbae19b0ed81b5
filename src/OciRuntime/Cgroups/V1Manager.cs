using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// cgroup v1 (legacy, and hybrid where v1 carries the controllers): one directory per mounted hierarchy,
/// including the controller-less cgroup2 of a hybrid host so the container is tracked there too (and killed
/// atomically through its cgroup.kill).
/// </summary>
internal sealed class V1Manager : ICgroupManager
{
    private readonly CgroupLayout _layout;
    /// <summary>Directory of the container's cgroup per hierarchy.</summary>
    private readonly Dictionary<CgroupHierarchy, string> _dirs = [];

    public string Path { get; }

    public V1Manager(CgroupLayout layout, string path, Func<CgroupHierarchy, string> pathFor)
    {
        _layout = layout;
        Path = path;
        foreach (var h in layout.Hierarchies)
            _dirs[h] = System.IO.Path.Join(h.MountPoint, pathFor(h));
    }

    /// <summary>The container's directory in the hierarchy carrying <paramref name="controller"/>, or null if none does.</summary>
    internal string? DirOf(string controller)
    {
        var h = _layout.V1For(controller);
        return h is null ? null : _dirs[h];
    }

    private string? UnifiedDir => _layout.V2 is { } v2 ? _dirs[v2] : null;

    internal IEnumerable<KeyValuePair<CgroupHierarchy, string>> Dirs => _dirs;

    private string HostKind => _layout.Mode == CgroupMode.Hybrid ? "cgroup v1, hybrid" : "cgroup v1";

    public void Create()
    {
        foreach (var (h, dir) in _dirs)
        {
            if (Directory.Exists(dir)) continue;
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw RuntimeError.FromIo("linux.cgroupsPath", $"create {dir}", e);
            }
            if (h.Controllers.Contains("cpuset")) InheritCpuset(h.MountPoint, dir);
        }
    }

    /// <summary>A fresh v1 cpuset cgroup has empty cpus and mems, and no task can join it until they are set.</summary>
    private static void InheritCpuset(string mountPoint, string dir)
    {
        var chain = new Stack<string>();
        for (var d = dir; d.Length > mountPoint.Length; d = System.IO.Path.GetDirectoryName(d)!) chain.Push(d);
        string parent = mountPoint;
        while (chain.Count > 0)
        {
            string d = chain.Pop();
            foreach (var f in new[] { "cpuset.cpus", "cpuset.mems" })
            {
                var mine = CgroupFs.TryRead(d, f);
                if (mine is not null && mine.Trim().Length == 0)
                {
                    var theirs = CgroupFs.TryRead(parent, f)?.Trim();
                    if (!string.IsNullOrEmpty(theirs)) CgroupFs.Write(d, f, theirs);
                }
            }
            parent = d;
        }
    }

    public void Apply(int pid)
    {
        string p = pid.ToString();
        foreach (var dir in _dirs.Values) CgroupFs.Write(dir, "cgroup.procs", p, "linux.cgroupsPath");
    }

    private string? ExistingDirOf(string controller) => DirOf(controller) is { } d && Directory.Exists(d) ? d : null;

    public void Set(LinuxResources resources) =>
        CgroupWriter.Apply(V1Map.All(resources, new DirView(ExistingDirOf), applyDevices: true), ExistingDirOf, HostKind);

    public void Update(LinuxResources resources)
    {
        DeviceEmulator? current = null;
        if (resources.Devices is not null && ExistingDirOf("devices") is { } dd && CgroupFs.TryRead(dd, "devices.list") is { } list)
            current = DeviceEmulator.FromV1List(list);
        CgroupWriter.Apply(V1Map.All(resources, new DirView(ExistingDirOf), applyDevices: resources.Devices is not null, current),
            ExistingDirOf, HostKind);
    }

    public void Freeze() => SetFreezer("FROZEN");

    public void Thaw() => SetFreezer("THAWED");

    private void SetFreezer(string state)
    {
        var dir = ExistingDirOf("freezer") ?? throw new RuntimeError("the freezer controller is not available on this host");
        CgroupFs.Write(dir, "freezer.state", state);
        // FREEZING may last while tasks finish a system call; re-ask now and then, as runc does.
        for (int i = 0; i < 2000; i++)
        {
            var now = CgroupFs.TryRead(dir, "freezer.state")?.Trim();
            if (now == state || now is null) return;
            if (i % 50 == 49) CgroupFs.Write(dir, "freezer.state", state);
            Thread.Sleep(i < 20 ? 1 : 5);
        }
        throw new RuntimeError($"{System.IO.Path.Join(dir, "freezer.state")} did not become {state}");
    }

    public bool IsFrozen()
    {
        var dir = DirOf("freezer");
        return dir is not null && CgroupFs.TryRead(dir, "freezer.state")?.Trim() == "FROZEN";
    }

    public IReadOnlyList<int> Pids()
    {
        // Prefer hierarchies that are always per-container; fall back to any present.
        var dir = ExistingDirOf("pids") ?? ExistingDirOf("freezer") ?? ExistingDirOf("memory") ?? _dirs.Values.FirstOrDefault(Directory.Exists);
        return dir is null ? [] : CgroupFs.ReadPids(dir).ToList();
    }

    public void KillAll(int signal)
    {
        // SIGKILL through the cgroup2 side of a hybrid host: atomic, nothing escapes by forking.
        if (signal == Sys.SIGKILL && UnifiedDir is { } u && CgroupFs.TryWrite(u, "cgroup.kill", "1") == 0) return;
        // An empty cgroup (the container's processes all gone, the usual case at delete) has nothing to freeze,
        // and freezing is not cheap: the kernel rewrites its code each time the first freezer freezes and the last thaws.
        var pids = Pids();
        if (pids.Count == 0) return;
        // Otherwise freeze first so nothing forks while we signal, as runc does.
        bool frozen = false;
        if (ExistingDirOf("freezer") is not null && !IsFrozen())
        {
            try { Freeze(); frozen = true; } catch (RuntimeError) { }
        }
        try
        {
            foreach (var pid in frozen ? Pids() : pids) Sys.TryKill(pid, signal);
        }
        finally
        {
            if (frozen) Thaw();
        }
    }

    public void Destroy()
    {
        foreach (var dir in _dirs.Values)
            CgroupTree.Remove(dir, () => { try { KillAll(Sys.SIGKILL); } catch (RuntimeError) { } });
    }

    public bool Exists() => _dirs.Values.Any(Directory.Exists);

    public CgroupStats Stats() => StatsReader.V1(ExistingDirOf);

    public OomWatcher? WatchOom() => ExistingDirOf("memory") is { } d ? OomWatcher.V1(d) : null;
}
