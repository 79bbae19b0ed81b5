using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// A rootless container has no cgroup of its own without delegation. Its cgroup mount must not show the host's
/// hierarchies instead (a bind of the host root, or a cgroup namespace rooted at the caller's cgroup): the
/// destination is masked. A cgroup the test makes at the top of the pids hierarchy must not be listed inside.
/// </summary>
public sealed class RootlessCgroupMountTests : IDisposable
{
    private const string UserName = "ocirun-test-rl";
    private readonly Sandbox _s = new();
    private readonly List<string> _ids = [];
    private readonly string _hostCgroup = Path.Join("/sys/fs/cgroup/pids", "ocirun-test-host-" + Guid.NewGuid().ToString("N")[..8]);
    private (uint Uid, uint Gid) _user;
    private string _xdg = "";

    public void Dispose()
    {
        try { foreach (var id in _ids) AsUser(["delete", "--force", id]); }
        finally
        {
            if (Directory.Exists(_hostCgroup)) Directory.Delete(_hostCgroup);
            _s.Dispose();
        }
    }

    private RunResult AsUser(IEnumerable<string> args)
    {
        var argv = new List<string> { "setpriv", $"--reuid={_user.Uid}", $"--regid={_user.Gid}", "--clear-groups", "env", "-i",
            "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "XDG_RUNTIME_DIR=" + _xdg, RuntimeBinary.Path };
        argv.AddRange(args);
        return Launcher.Run("", argv);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_cgroup_mount_of_a_rootless_container_lists_no_host_cgroup(bool cgroupNamespace)
    {
        Skip.If(!Directory.Exists("/sys/fs/cgroup/pids") || File.Exists("/sys/fs/cgroup/cgroup.controllers"),
            "needs a v1 pids hierarchy at /sys/fs/cgroup/pids to plant a host cgroup in");
        Skip.If(!File.Exists("/usr/bin/setpriv"), "setpriv (util-linux) is not installed");
        try { Exec.Capture("id", "-u", UserName); }
        catch (InvalidOperationException) { Exec.Capture("useradd", "-M", "-s", "/bin/sh", UserName); }
        _user = (uint.Parse(Exec.Capture("id", "-u", UserName).Trim()), uint.Parse(Exec.Capture("id", "-g", UserName).Trim()));
        _xdg = Path.Join(Path.GetDirectoryName(_s.Root)!, "xdg");
        Directory.CreateDirectory(_xdg);
        Exec.Capture("chown", $"{_user.Uid}:{_user.Gid}", _xdg);
        Directory.CreateDirectory(_hostCgroup);

        var b = RootlessTests.SpecWrittenByUser(_s, _user.Uid, _user.Gid, AsUser);
        if (!cgroupNamespace) b.WithoutNamespace("cgroup");
        if (!b.Config["mounts"]!.AsArray().Any(m => (string?)m!["type"] == "cgroup"))
            b.AddMount(MountJson.Mount("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro"));
        b.Shell("ls -a /sys/fs/cgroup/pids; echo end");
        b.Save();
        string id = _s.NewId();
        _ids.Add(id);
        var r = AsUser(["run", "--bundle", b.Dir, id]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.EndsWith("end\n", r.Stdout);
        Assert.DoesNotContain(Path.GetFileName(_hostCgroup), r.Stdout);
        Assert.DoesNotContain("cgroup.procs", r.Stdout);
    }
}
