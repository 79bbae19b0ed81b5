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
        Directory.CreateDirectory(Dir);
    }

    public void Apply(int pid) => CgroupFs.Write(Dir, "cgroup.procs", pid.ToString());

    public void Set(LinuxResources resources) => V2Resources.Write(this, resources);

    public void Freeze() => SetFrozen(true);

    public void Thaw() => SetFrozen(false);

    private void SetFrozen(bool frozen)
    {
        CgroupFs.Write(Dir, "cgroup.freeze", frozen ? "1" : "0");
        for (int i = 0; i < 1000; i++)
        {
            if (IsFrozen() == frozen) return;
            Thread.Sleep(1);
        }
        throw new RuntimeError($"cgroup.events did not report frozen {(frozen ? 1 : 0)} in {Dir}");
    }

    public bool IsFrozen()
    {
        var events = CgroupFs.TryRead(Dir, "cgroup.events");
        return events is not null && events.Split('\n').Any(l => l.Trim() == "frozen 1");
    }

    public IReadOnlyList<int> Pids() => CgroupFs.ReadPids(Dir).ToList();

    public void KillAll(int signal)
    {
        if (signal == Sys.SIGKILL && File.Exists(System.IO.Path.Join(Dir, "cgroup.kill")))
        {
            CgroupFs.Write(Dir, "cgroup.kill", "1");
            return;
        }
        foreach (var pid in Pids()) Sys.Kill(pid, signal);
    }

    public void Destroy() => CgroupFs.RemoveDir(Dir);

    public bool Exists() => Directory.Exists(Dir);
}
