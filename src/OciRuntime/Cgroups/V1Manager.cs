using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>
/// cgroup v1 (legacy, and hybrid where v1 carries the controllers): one directory per mounted hierarchy,
/// including the controller-less cgroup2 of a hybrid host so the container is tracked there too.
/// </summary>
internal sealed class V1Manager : ICgroupManager
{
    private readonly CgroupLayout _layout;
    /// <summary>Directory of the container's cgroup per hierarchy mount point.</summary>
    private readonly Dictionary<CgroupHierarchy, string> _dirs = [];

    public string Path { get; }

    public V1Manager(CgroupLayout layout, string path, Func<CgroupHierarchy, string> pathFor)
    {
        _layout = layout;
        Path = path;
        foreach (var h in layout.Hierarchies)
            _dirs[h] = System.IO.Path.Join(h.MountPoint, pathFor(h));
    }

    internal string? DirOf(string controller)
    {
        var h = _layout.V1For(controller);
        return h is null ? null : _dirs[h];
    }

    internal IEnumerable<KeyValuePair<CgroupHierarchy, string>> Dirs => _dirs;

    public void Create()
    {
        foreach (var (h, dir) in _dirs)
        {
            if (Directory.Exists(dir)) continue;
            Directory.CreateDirectory(dir);
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
        foreach (var dir in _dirs.Values) CgroupFs.Write(dir, "cgroup.procs", p);
    }

    public void Set(LinuxResources resources) => V1Resources.Write(this, resources);

    public void Freeze() => SetFreezer("FROZEN");

    public void Thaw() => SetFreezer("THAWED");

    private void SetFreezer(string state)
    {
        var dir = DirOf("freezer") ?? throw new RuntimeError("the freezer controller is not mounted on this host");
        CgroupFs.Write(dir, "freezer.state", state);
        // The kernel may report FREEZING for a while; wait until the transition completes.
        for (int i = 0; i < 1000; i++)
        {
            var now = CgroupFs.TryRead(dir, "freezer.state")?.Trim();
            if (now == state || now is null) return;
            if (state == "FROZEN" && i % 50 == 49) CgroupFs.Write(dir, "freezer.state", state);
            Thread.Sleep(1);
        }
        throw new RuntimeError($"freezer.state did not become {state} in {dir}");
    }

    public bool IsFrozen()
    {
        var dir = DirOf("freezer");
        return dir is not null && CgroupFs.TryRead(dir, "freezer.state")?.Trim() == "FROZEN";
    }

    public IReadOnlyList<int> Pids()
    {
        // Any hierarchy will do; prefer pids or freezer (always per-container), fall back to the first present.
        var dir = DirOf("pids") ?? DirOf("freezer") ?? _dirs.Values.FirstOrDefault();
        return dir is null ? [] : CgroupFs.ReadPids(dir).ToList();
    }

    public void KillAll(int signal)
    {
        // Freeze first so nothing forks while we signal, as runc does.
        bool canFreeze = DirOf("freezer") is not null && Directory.Exists(DirOf("freezer"));
        if (canFreeze) { try { Freeze(); } catch (RuntimeError) { canFreeze = false; } }
        foreach (var pid in Pids()) Sys.Kill(pid, signal);
        if (canFreeze) Thaw();
    }

    public void Destroy()
    {
        foreach (var dir in _dirs.Values) CgroupFs.RemoveDir(dir);
    }

    public bool Exists() => _dirs.Values.Any(Directory.Exists);
}
