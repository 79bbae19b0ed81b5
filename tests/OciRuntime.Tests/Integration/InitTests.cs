using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using static OciRuntime.Tests.Integration.HostShell;

namespace OciRuntime.Tests.Integration;

/// <summary>`--init`: ocirun's init stays as pid 1, forwards signals, reaps orphans, exits with the child's status.</summary>
public sealed class InitTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    // A shell that double-forks: the inner shell exits at once, its sleep is orphaned to pid 1 and exits a
    // moment later. Then pid 1's child becomes a sleep that never waits for anything.
    private const string Orphaner = "sh -c 'sleep 0.2 &'; exec sleep 1000";
    private const string CountZombies = "cat /proc/[0-9]*/stat | sed 's/.*) //' | grep -c '^Z'";

    private string RunDetached(Bundle b, params string[] flags)
    {
        b.Config["root"]!["readonly"] = false;
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci(["run", "-d", .. flags, "--bundle", b.Dir, id]);
        Assert.True(r.ExitCode == 0, r.ToString());
        return id;
    }

    [Fact]
    public void Init_reaps_an_orphaned_zombie()
    {
        string id = RunDetached(_s.NewBundle().Shell(Orphaner), "--init");
        Thread.Sleep(1000);
        var r = _s.Oci("exec", id, "sh", "-c", CountZombies);
        Assert.Equal("0", r.Stdout.Trim());
        var ps = _s.Oci("exec", id, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '; echo; cat /proc/2/cmdline /proc/3/cmdline 2>/dev/null | tr '\\0' ' '");
        Assert.StartsWith("ocirun init", ps.Stdout);
        Assert.Contains("sleep 1000", ps.Stdout);
    }

    [Fact]
    public void Without_init_the_same_orphan_stays_a_zombie()
    {
        // The control for the test above: a pid 1 that never reaps.
        string id = RunDetached(_s.NewBundle().Shell(Orphaner));
        Thread.Sleep(1000);
        var r = _s.Oci("exec", id, "sh", "-c", CountZombies);
        Assert.Equal("1", r.Stdout.Trim());
    }

    [Fact]
    public void Sigterm_from_kill_reaches_a_shell_that_traps_it()
    {
        var b = _s.NewBundle().Shell("trap 'echo got-term > /tmp/term; exit 0' TERM; touch /tmp/ready; while true; do sleep 0.1; done");
        string id = RunDetached(b, "--init");
        string ready = Path.Join(b.Rootfs, "tmp", "ready"), term = Path.Join(b.Rootfs, "tmp", "term");
        WaitFor(() => File.Exists(ready));
        Assert.Equal(0, _s.Oci("kill", id, "TERM").ExitCode);
        WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        Assert.Equal("got-term", File.ReadAllText(term).Trim());
    }

    [Fact]
    public void Foreground_run_with_init_returns_the_trap_exit_code_after_sigterm()
    {
        var b = _s.NewBundle().Shell("trap 'exit 42' TERM; touch /tmp/ready; while true; do sleep 0.1; done");
        b.Save();
        b.Config["root"]!["readonly"] = false;
        b.Save();
        string id = _s.NewId();
        var run = Task.Run(() => _s.Oci("run", "--init", "--bundle", b.Dir, id));
        WaitFor(() => File.Exists(Path.Join(b.Rootfs, "tmp", "ready")));
        Assert.Equal(0, _s.Oci("kill", id, "SIGTERM").ExitCode);
        Assert.Equal(42, run.Result.ExitCode);
    }

    [Fact]
    public void Init_exits_with_the_childs_status()
    {
        var b = _s.NewBundle().Shell("exit 7");
        b.Save();
        Assert.Equal(7, _s.Oci("run", "--init", "--bundle", b.Dir, _s.NewId()).ExitCode);
        var killed = _s.NewBundle().Shell("kill -KILL $$");
        killed.Save();
        Assert.Equal(128 + 9, _s.Oci("run", "--init", "--bundle", killed.Dir, _s.NewId()).ExitCode);
    }

    [Fact]
    public void The_annotation_turns_init_on()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Config["annotations"] = new JsonObject { ["io.ocirun.init"] = "true" };
        string id = RunDetached(b);
        var r = _s.Oci("exec", id, "sh", "-c", "cat /proc/1/cmdline | tr '\\0' ' '");
        Assert.StartsWith("ocirun init", r.Stdout);
    }

    [Fact]
    public void The_process_starts_with_default_signals()
    {
        var b = _s.NewBundle("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status");
        b.Save();
        var r = _s.Oci("run", "--init", "--bundle", b.Dir, _s.NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void Pid_1_keeps_only_stdio_and_its_signalfd()
    {
        string id = RunDetached(_s.NewBundle("sleep", "1000"), "--init");
        // Read from the host: pid 1 may be non-dumpable (the zone's reaper never execs), and then only its own
        // user with CAP_SYS_PTRACE reads its descriptors.
        int pid = (int)_s.State(id)["pid"]!;
        var fds = Directory.GetFileSystemEntries($"/proc/{pid}/fd").Select(f => (Fd: int.Parse(Path.GetFileName(f)), Target: new FileInfo(f).LinkTarget))
            .OrderBy(f => f.Fd).ToArray();
        Assert.True(fds.Length == 4, string.Join(", ", fds));
        Assert.Equal([0, 1, 2], fds.Take(3).Select(f => f.Fd).ToArray());
        Assert.Equal("anon_inode:[signalfd]", fds[3].Target);
    }

    [Fact]
    public void Without_init_the_process_also_starts_with_default_signals()
    {
        // .NET ignores SIGPIPE, and an ignored signal survives execve: init resets it.
        var r = _s.Run(_s.NewBundle("grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000"], Lines(r.Stdout).ToArray());
    }
}
