using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>`exec --cgroup [controller:]path`: the process joins an existing sub-cgroup of the container's cgroup
/// (runc's flag), read back from /proc/PID/cgroup of the exec'd process; a missing one is refused.</summary>
public sealed class ExecCgroupTests : IDisposable
{
    private readonly Sandbox _s = new();
    private readonly List<string> _made = [];

    public void Dispose()
    {
        // A sub-cgroup goes first: the container's cgroup cannot be removed while it has one. The exec'd
        // processes have exited (or delete --force kills them first, which empties it).
        foreach (var d in _made) Rmdir(d);
        _s.Dispose();
    }

    /// <summary>rmdir of a cgroup: an exited task lingers in it for a moment (EBUSY).</summary>
    private static void Rmdir(string dir)
    {
        for (int i = 0; i < 200 && Directory.Exists(dir); i++)
        {
            try { Directory.Delete(dir); }
            catch (IOException) { Thread.Sleep(10); }
        }
    }

    /// <summary>The container's cgroup directory in the v1 hierarchy of <paramref name="controller"/>, from its init's /proc.</summary>
    private static string? V1Dir(int pid, string controller)
    {
        foreach (var line in File.ReadAllLines($"/proc/{pid}/cgroup"))
        {
            var f = line.Split(':', 3);
            if (f[1].Split(',').Contains(controller)) return Path.Join("/sys/fs/cgroup", controller, f[2]);
        }
        return null;
    }

    private (string Id, int Pid) Running()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return (id, _s.State(id)["pid"]!.GetValue<int>());
    }

    [SkippableFact]
    public void Exec_joins_the_named_sub_cgroup_of_one_controller()
    {
        Skip.IfNot(Directory.Exists("/sys/fs/cgroup/pids/"), "no cgroup v1 pids hierarchy on this host");
        var (id, pid) = Running();
        string? dir = V1Dir(pid, "pids");
        Skip.If(dir is null || !Directory.Exists(dir), "the container has no pids cgroup");
        string sub = Path.Join(dir, "ocirun-test-sub");
        Directory.CreateDirectory(sub);
        _made.Add(sub);
        var r = _s.Oci("exec", "--cgroup", "pids:ocirun-test-sub", id, "cat", "/proc/self/cgroup");
        Assert.True(r.ExitCode == 0, r.ToString());
        string pidsLine = r.Stdout.Split('\n').Single(l => l.Split(':').Length > 1 && l.Split(':')[1] == "pids");
        Assert.EndsWith("/ocirun-test-sub", pidsLine);
        string memLine = r.Stdout.Split('\n').Single(l => l.Split(':').Length > 1 && l.Split(':')[1] == "memory");
        Assert.DoesNotContain("ocirun-test-sub", memLine);
        Rmdir(sub);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    [Fact]
    public void A_missing_sub_cgroup_is_refused_naming_the_flag()
    {
        var (id, _) = Running();
        var r = _s.Oci("exec", "--cgroup", "ocirun-test-nosuch", id, "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("exec --cgroup", r.Stderr);
        Assert.Contains("ocirun-test-nosuch", r.Stderr);
        var escape = _s.Oci("exec", "--cgroup", "../..", id, "true");
        Assert.NotEqual(0, escape.ExitCode);
        Assert.Contains("exec --cgroup", escape.Stderr);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }
}
