using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2025-52881 class: an image turns a /proc write of the runtime into a write somewhere else. The image has
/// <c>/data → /proc/sys/net/ipv4</c> (or the LSM attribute directory), the config mounts a volume at /data, so the
/// volume covers that /proc directory, and in the volume the file the runtime writes is a symlink to another
/// /proc file. The runtime must either refuse (an error) or write the real file; the planted target must not
/// change.
/// </summary>
public sealed class ProcRedirectAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private string Volume(string name)
    {
        string dir = Path.Join(Path.GetDirectoryName(_s.Root)!, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void Sysctl_redirected_through_a_volume_over_proc_sys_does_not_reach_oom_score_adj()
    {
        string volume = Volume("ipv4-volume");
        File.CreateSymbolicLink(Path.Join(volume, "ip_forward"), "/proc/self/oom_score_adj");
        var b = _s.NewBundle();
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "data"), "/proc/sys/net/ipv4");
        b.AddMount(MountJson.Mount("/data", "bind", volume, "rbind"));
        b.Linux["sysctl"] = new JsonObject { ["net.ipv4.ip_forward"] = "1" };
        // A value of our own, so a redirected "1" shows.
        b.Process["oomScoreAdj"] = 7;
        b.Shell("cat /proc/self/oom_score_adj");

        var r = _s.Run(b);
        // Refusing is a defence; running is one only if the write reached the real ip_forward.
        if (r.ExitCode != 0) Assert.False(string.IsNullOrWhiteSpace(r.Stderr), r.ToString());
        else Assert.True(r.Stdout == "7\n", "the sysctl write landed in oom_score_adj: " + r);
    }

    [Fact]
    public void Exec_oom_score_adj_reaches_the_real_file_when_the_container_covered_its_proc()
    {
        // A container root that may mount replaces its /proc with a tmpfs in which self/oom_score_adj is a plain
        // file (keeping a real procfs at /tmp/realproc to tell the truth), then waits for an exec.
        var b = _s.NewBundle().Writable();
        var caps = new JsonArray("CAP_SYS_ADMIN", "CAP_KILL");
        b.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = caps.DeepClone(), ["effective"] = caps.DeepClone(), ["permitted"] = caps.DeepClone(),
        };
        b.Shell("mkdir -p /tmp/realproc && mount -t proc proc /tmp/realproc && mount -t tmpfs tmpfs /proc && " +
                "mkdir /proc/self && echo 0 > /proc/self/oom_score_adj && touch /tmp/ready && sleep 1000");
        b.Save();
        string id = _s.NewId();
        var run = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        int pid = (int)_s.State(id)["pid"]!;
        string root = $"/proc/{pid}/root";
        HostShell.WaitFor(() => File.Exists(root + "/tmp/ready"));

        var process = b.Process.DeepClone().AsObject();
        process["args"] = new JsonArray("cat", "/tmp/realproc/self/oom_score_adj");
        process["oomScoreAdj"] = 9;
        string file = Path.Join(b.Dir, "exec-process.json");
        File.WriteAllText(file, process.ToJsonString());
        var exec = _s.Oci("exec", "--process", file, id);

        Assert.True(File.ReadAllText(root + "/proc/self/oom_score_adj") == "0\n", "the exec's oom_score_adj write landed in the container's fake /proc: " + exec);
        if (exec.ExitCode == 0) Assert.Equal("9\n", exec.Stdout);
        else Assert.False(string.IsNullOrWhiteSpace(exec.Stderr), exec.ToString());
    }

    [SkippableFact]
    public void Apparmor_exec_attribute_redirected_through_a_volume_lands_nowhere_else()
    {
        bool apparmor = File.Exists("/sys/module/apparmor/parameters/enabled")
            && File.ReadAllText("/sys/module/apparmor/parameters/enabled").StartsWith('Y');
        Skip.IfNot(apparmor, "AppArmor is not enabled on this host: no LSM attribute write to redirect (SELinux would need a label of this host's policy)");

        string volume = Volume("attr-volume");
        Directory.CreateDirectory(Path.Join(volume, "apparmor"));
        File.WriteAllText(Path.Join(volume, "exec"), "");
        File.WriteAllText(Path.Join(volume, "apparmor", "exec"), "");
        var b = _s.NewBundle();
        // Init is pid 1 of the container: /proc/self/task/1/attr is its main thread's attributes.
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "data"), "/proc/self/task/1/attr");
        b.AddMount(MountJson.Mount("/data", "bind", volume, "rbind"));
        b.Process["apparmorProfile"] = "unconfined";
        b.Shell("cat /proc/self/attr/current");

        var r = _s.Run(b);
        Assert.Equal("", File.ReadAllText(Path.Join(volume, "exec")));
        Assert.Equal("", File.ReadAllText(Path.Join(volume, "apparmor", "exec")));
        if (r.ExitCode != 0) Assert.False(string.IsNullOrWhiteSpace(r.Stderr), r.ToString());
    }
}
