using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>cgroup v2 (unified): one directory, controllers enabled through the parents' cgroup.subtree_control.</summary>
internal sealed class V2Manager(string mountPoint, string path) : ICgroupManager
{
    public string Path { get; } = path;
    internal string Dir { get; } = System.IO.Path.Join(mountPoint, path);
    internal string MountPoint { get; } = mountPoint;

    public void Create()
    {
        if (Directory.Exists(Dir)) return;
        // Each ancestor below the mount point must delegate the controllers to its children.
        var chain = new List<string>();
        for (var d = System.IO.Path.GetDirectoryName(Dir); d is not null && d.Length >= MountPoint.Length; d = System.IO.Path.GetDirectoryName(d))
        {
            chain.Insert(0, d);
            if (d.Length == MountPoint.Length) break;
        }
        foreach (var d in chain)
        {
            if (!Directory.Exists(d)) CreateDir(d);
            EnableControllers(d);
        }
        CreateDir(Dir);
    }

    private static void CreateDir(string d)
    {
        try { Directory.CreateDirectory(d); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw RuntimeError.FromIo("linux.cgroupsPath", $"create {d}", e);
        }
    }

    /// <summary>Turns on in <paramref name="dir"/>'s subtree every controller it has; one by one, so one refusal does not block the rest.</summary>
    private static void EnableControllers(string dir)
    {
        var have = (CgroupFs.TryRead(dir, "cgroup.controllers") ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var on = (CgroupFs.TryRead(dir, "cgroup.subtree_control") ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var c in have.Except(on)) CgroupFs.TryWrite(dir, "cgroup.subtree_control", "+" + c);
    }

    public void Apply(int pid) => CgroupFs.Write(Dir, "cgroup.procs", pid.ToString(), "linux.cgroupsPath");

    /// <summary>The directory if <paramref name="controller"/> is enabled for it ("" = core files, always).</summary>
    internal string? DirFor(string controller)
    {
        if (controller.Length == 0) return Dir;
        var have = CgroupFs.TryRead(Dir, "cgroup.controllers");
        return have is not null && have.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries).Contains(controller) ? Dir : null;
    }

    public void Set(LinuxResources resources)
    {
        CgroupWriter.Apply(V2Map.All(resources, new DirView(DirFor)), DirFor, "cgroup v2");
        ApplyDevices(DeviceRules.Target(resources.Devices));
    }

    public void Update(LinuxResources resources)
    {
        CgroupWriter.Apply(V2Map.All(resources, new DirView(DirFor)), DirFor, "cgroup v2");
        if (resources.Devices is not null) ApplyDevices(DeviceRules.Target(resources.Devices));
    }

    /// <summary>The eBPF device filter; on a directory that is not cgroup2 (a unit test's fake tree) there is nothing to attach to.</summary>
    private void ApplyDevices(DeviceEmulator target)
    {
        if (CgroupTree.IsCgroup2(Dir)) DeviceFilter.Attach(Dir, target);
    }

    public void Freeze() => SetFrozen(true);

    public void Thaw() => SetFrozen(false);

    private void SetFrozen(bool frozen)
    {
        CgroupFs.Write(Dir, "cgroup.freeze", frozen ? "1" : "0");
        for (int i = 0; i < 2000; i++)
        {
            if (IsFrozen() == frozen) return;
            Thread.Sleep(i < 20 ? 1 : 5);
        }
        throw new RuntimeError($"{System.IO.Path.Join(Dir, "cgroup.events")} did not report frozen {(frozen ? 1 : 0)}");
    }

    public bool IsFrozen()
    {
        var events = CgroupFs.TryRead(Dir, "cgroup.events");
        return events is not null && events.Split('\n').Any(l => l.Trim() == "frozen 1");
    }

    public IReadOnlyList<int> Pids()
    {
        // Include child cgroups the container made itself.
        var list = new List<int>();
        void Walk(string d)
        {
            list.AddRange(CgroupFs.ReadPids(d));
            try { foreach (var s in Directory.GetDirectories(d)) Walk(s); }
            catch (DirectoryNotFoundException) { }
        }
        Walk(Dir);
        return list;
    }

    public void KillAll(int signal)
    {
        if (signal == Sys.SIGKILL && CgroupFs.TryWrite(Dir, "cgroup.kill", "1") == 0) return;
        bool frozen = false;
        if (!IsFrozen())
        {
            try { Freeze(); frozen = true; } catch (RuntimeError) { }
        }
        try
        {
            foreach (var pid in Pids()) Sys.TryKill(pid, signal);
        }
        finally
        {
            if (frozen) Thaw();
        }
    }

    public void Destroy() => CgroupTree.Remove(Dir, () => { try { KillAll(Sys.SIGKILL); } catch (RuntimeError) { } });

    public bool Exists() => Directory.Exists(Dir);

    public CgroupStats Stats() => StatsReader.V2(Dir);

    public OomWatcher? WatchOom() => CgroupFs.Has(Dir, "memory.events") ? OomWatcher.V2(Dir) : null;
}
