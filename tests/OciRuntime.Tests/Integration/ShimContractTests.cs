using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// The rows of conformance/ShimContract.md that engines act on, on ocirun's side: exit codes and runc's words
/// where containerd's shim, cri-o and podman match them.
/// </summary>
public sealed class ShimContractTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private string Started(params string[] args)
    {
        var b = _s.NewBundle(args.Length == 0 ? ["sleep", "1000"] : args);
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        return id;
    }

    private string Stopped()
    {
        string id = Started("true");
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        return id;
    }

    [Fact]
    public void Kill_all_of_a_stopped_container_exits_0()
    {
        string id = Stopped();
        foreach (var sig in new[] { "KILL", "TERM" })
        {
            var r = _s.Oci("kill", "--all", id, sig);
            Assert.True(r.ExitCode == 0, $"kill --all {sig}: {r}");
        }
        Assert.Equal("stopped", (string)_s.State(id)["status"]!);
    }

    [Fact]
    public void Kill_all_of_a_stopped_container_kills_what_outlived_its_init()
    {
        // A pod's container joins the sandbox's pid namespace: its init's children outlive it, and the shim's
        // `kill --all <id> KILL` after the exit is what ends them.
        var (id, leftover, sandboxPid) = StoppedWithLeftover("1001");

        var plain = _s.Oci("kill", id, "KILL");
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("container not running", plain.Stderr);
        Assert.False(IsDead(leftover), "plain kill reached a process other than init");

        var all = _s.Oci("kill", "--all", id, "KILL");
        Assert.True(all.ExitCode == 0, all.ToString());
        LifecycleTests.WaitFor(() => IsDead(leftover));
        Assert.False(IsDead(sandboxPid), "kill --all reached the sandbox's init");
    }

    [Fact]
    public void Signal_0_asks_whether_the_container_is_alive()
    {
        string running = Started();
        var r = _s.Oci("kill", running, "0");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("running", (string)_s.State(running)["status"]!);
        string stopped = Stopped();
        r = _s.Oci("kill", stopped, "0");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not running", r.Stderr);
        Assert.Equal(0, _s.Oci("kill", "--all", stopped, "0").ExitCode);
    }

    [SkippableFact]
    public void Kill_all_KILL_of_a_stopped_container_thaws_the_frozen_leftovers_it_kills()
    {
        // A paused container whose init exited (the shim's pausedState.SetExited case): its leftovers sit in a frozen
        // cgroup, where a v1 freezer holds even SIGKILL until a thaw. runc thaws after every `kill --all`.
        Skip.IfNot(Directory.Exists("/sys/fs/cgroup/freezer"), "no cgroup v1 freezer on this host");
        var (id, leftover, _) = StoppedWithLeftover("1004");
        string freezer = $"/sys/fs/cgroup/freezer/{id}/freezer.state";
        File.WriteAllText(freezer, "FROZEN");
        LifecycleTests.WaitFor(() => File.ReadAllText(freezer).Trim() == "FROZEN");
        Assert.Equal("stopped", (string)_s.State(id)["status"]!);

        var all = _s.Oci("kill", "--all", id, "KILL");
        Assert.True(all.ExitCode == 0, all.ToString());
        LifecycleTests.WaitFor(() => IsDead(leftover));
        Assert.Equal("THAWED", File.ReadAllText(freezer).Trim());
    }

    /// <summary>A stopped container in a running sandbox's pid namespace, with init's child still running.</summary>
    private (string id, int leftover, int sandboxPid) StoppedWithLeftover(string sleepArg)
    {
        string sandbox = Started();
        int sandboxPid = (int)_s.State(sandbox)["pid"]!;
        string pidNs = new FileInfo($"/proc/{sandboxPid}/ns/pid").LinkTarget!;
        var b = _s.NewBundle().Shell($"sleep {sleepArg} & exit 0");
        var ns = b.Linux["namespaces"]!.AsArray();
        foreach (var n in ns.Where(n => (string)n!["type"]! == "pid").ToList()) ns.Remove(n);
        ns.Add(new JsonObject { ["type"] = "pid", ["path"] = $"/proc/{sandboxPid}/ns/pid" });
        string id = _s.NewId();
        b.Linux["cgroupsPath"] = "/" + id;
        b.Save();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        int leftover = FindInPidNs(pidNs, "sleep\0" + sleepArg + "\0");
        Assert.True(leftover > 0, "the child of init is not running");
        return (id, leftover, sandboxPid);
    }

    [Fact]
    public void Kill_of_a_stopped_container_says_container_not_running_on_stderr_and_in_the_json_log()
    {
        string id = Stopped();
        string log = Path.Join(_s.Root, "..", "kill-log.json");
        var r = _s.Oci("--log", log, "--log-format", "json", "kill", id, "TERM");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not running", r.Stderr);
        // containerd's shim reports a failure by the last "error" line of the log, not by stderr.
        var errors = File.ReadAllLines(log).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!)
            .Where(o => (string?)o["level"] == "error").ToList();
        Assert.NotEmpty(errors);
        Assert.Contains("container not running", (string)errors[^1]["msg"]!);
    }

    [Theory]
    [InlineData(1, "kill", "@", "KILL")]
    [InlineData(1, "kill", "--all", "@", "KILL")]
    [InlineData(1, "delete", "@")]
    [InlineData(1, "state", "@")]
    [InlineData(1, "pause", "@")]
    [InlineData(1, "resume", "@")]
    [InlineData(1, "ps", "@")]
    [InlineData(1, "start", "@")]
    [InlineData(255, "exec", "@", "true")]
    public void A_missing_container_is_reported_in_runcs_words(int exit, params string[] command)
    {
        string id = _s.NewId();
        var r = _s.Oci(command.Select(a => a == "@" ? id : a).ToArray());
        Assert.Equal(exit, r.ExitCode);
        // containerd's (*Init).delete and checkKillError match "does not exist"; runc says it whole.
        Assert.Contains("container does not exist", r.Stderr);
        Assert.Contains(id, r.Stderr);
    }

    [Fact]
    public void Delete_force_of_a_missing_container_succeeds()
    {
        var r = _s.Oci("delete", "--force", _s.NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void Exec_in_a_stopped_or_paused_container_exits_255()
    {
        string stopped = Stopped();
        var r = _s.Oci("exec", stopped, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("cannot exec in a stopped container", r.Stderr);

        string paused = Started();
        Assert.Equal(0, _s.Oci("pause", paused).ExitCode);
        r = _s.Oci("exec", paused, "true");
        Assert.Equal(255, r.ExitCode);
        Assert.Contains("cannot exec in a paused container (use --ignore-paused to override)", r.Stderr);
        // The process's own exit code stays its own.
        Assert.Equal(0, _s.Oci("resume", paused).ExitCode);
        Assert.Equal(3, _s.Oci("exec", paused, "sh", "-c", "exit 3").ExitCode);
    }

    [Fact]
    public void Pause_and_resume_refuse_in_runcs_words()
    {
        string stopped = Stopped();
        var r = _s.Oci("pause", stopped);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not running", r.Stderr);
        r = _s.Oci("resume", stopped);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not paused", r.Stderr);

        string running = Started();
        r = _s.Oci("resume", running);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not paused", r.Stderr);
        Assert.Equal(0, _s.Oci("pause", running).ExitCode);
        r = _s.Oci("pause", running);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("container not running", r.Stderr);
        Assert.Equal("paused", (string)_s.State(running)["status"]!);
    }

    [Fact]
    public void Start_refuses_in_runcs_words()
    {
        string running = Started();
        var r = _s.Oci("start", running);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot start an already running container", r.Stderr);
        string stopped = Stopped();
        r = _s.Oci("start", stopped);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("cannot start a container that has stopped", r.Stderr);
    }

    private static int FindInPidNs(string pidNs, string cmdline)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                if (new FileInfo($"{dir}/ns/pid").LinkTarget == pidNs && File.ReadAllText($"{dir}/cmdline") == cmdline) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return -1;
    }

    /// <summary>Gone, or a zombie: the sandbox's init (sleep) does not reap what is reparented to it.</summary>
    private static bool IsDead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] is 'Z' or 'X';
        }
        catch (IOException) { return true; }
    }
}
