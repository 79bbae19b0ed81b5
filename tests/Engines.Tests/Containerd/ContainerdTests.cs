using Engines.Tests.Support;

namespace Engines.Tests.Containerd;

/// <summary>
/// containerd 1.6's `ctr` with the io.containerd.runc.v2 shim driving ocirun (`--runc-binary`): what a ctr user sees.
/// One daemon for the class (<see cref="ContainerdDaemon"/>).
/// </summary>
public sealed class ContainerdTests(ContainerdDaemon ctr) : IClassFixture<ContainerdDaemon>
{
    [Fact]
    public void RunRm_PrintsTheOutputAndLeavesNothing()
    {
        var r = ctr.Run(["--rm"], "ctr-hi", ["echo", "hi"]);
        Assert.True(r.ExitCode == 0, $"{r}\n{ctr.Log()}");
        Assert.Equal("hi\n", r.Stdout);
        Assert.DoesNotContain("ctr-hi", ctr.Ctr(["container", "ls", "--quiet"]).Stdout);
        Assert.False(Directory.Exists(Path.Join(ctr.RuntimeRoot, "ctr-hi")), "the runtime's state outlived --rm");
        Assert.False(Directory.Exists("/sys/fs/cgroup/pids/ocirun-test/ctr-hi"), "the cgroup outlived --rm");
    }

    [Fact]
    public void RunRm_GivesTheProcessStreamsAndExitCode()
    {
        var r = ctr.Run(["--rm"], "ctr-exit", ["sh", "-c", "echo out; echo err >&2; exit 7"]);
        Assert.True(r.ExitCode == 7, $"{r}\n{ctr.Log()}");
        Assert.Equal("out\n", r.Stdout);
        Assert.Equal("err\n", r.Stderr);
    }

    [Fact]
    public void RunRm_CgroupIsUnderTheNamespace()
    {
        // containerd's default cgroupsPath is /NAMESPACE/ID; ocirun puts the process there in every v1 hierarchy.
        var r = ctr.Run(["--rm"], "ctr-cgroup", ["cat", "/proc/self/cgroup"]);
        Assert.True(r.ExitCode == 0, $"{r}\n{ctr.Log()}");
        Assert.Contains(":memory:/ocirun-test/ctr-cgroup\n", r.Stdout);
        Assert.Contains(":pids:/ocirun-test/ctr-cgroup\n", r.Stdout);
    }

    [Fact]
    public void Detached_ExecPsPauseResumeKill()
    {
        const string id = "ctr-detached";
        try
        {
            // A pid 1 that answers SIGTERM with exit 42: `task kill`'s default signal must reach it.
            var run = ctr.Run(["--detach"], id, ["sh", "-c", "trap 'exit 42' TERM; while true; do sleep 0.1; done"]);
            Assert.True(run.ExitCode == 0, $"{run}\n{ctr.Log()}");
            Assert.Equal("RUNNING", ctr.TaskStatus(id));
            int pid = ctr.TaskPid(id);

            var exec = ctr.Exec(id, ["--exec-id", "e1"], ["sh", "-c", "echo exec-out; echo exec-err >&2; exit 3"]);
            Assert.True(exec.ExitCode == 3, $"{exec}\n{ctr.Log()}");
            Assert.Equal("exec-out\n", exec.Stdout);
            Assert.Equal("exec-err\n", exec.Stderr);

            // ps (the shim calls `ps --format json`) lists the init and a detached exec, which it names by exec id.
            var bg = ctr.Exec(id, ["--detach", "--exec-id", "sleeper"], ["sleep", "1000"]);
            Assert.True(bg.ExitCode == 0, $"{bg}\n{ctr.Log()}");
            var ps = ctr.Ctr(["task", "ps", id]);
            Assert.True(ps.ExitCode == 0, $"{ps}\n{ctr.Log()}");
            var rows = ps.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            Assert.Contains(rows, l => l.StartsWith($"{pid} ", StringComparison.Ordinal));
            Assert.Contains(rows, l => l.Contains("ExecID:sleeper"));

            var pause = ctr.Ctr(["task", "pause", id]);
            Assert.True(pause.ExitCode == 0, $"{pause}\n{ctr.Log()}");
            Assert.Equal("PAUSED", ctr.TaskStatus(id));
            Assert.Equal("FROZEN", File.ReadAllText($"/sys/fs/cgroup/freezer/ocirun-test/{id}/freezer.state").Trim());
            var resume = ctr.Ctr(["task", "resume", id]);
            Assert.True(resume.ExitCode == 0, $"{resume}\n{ctr.Log()}");
            Assert.Equal("RUNNING", ctr.TaskStatus(id));
            var after = ctr.Exec(id, ["--exec-id", "e2"], ["echo", "resumed"]);
            Assert.True(after.ExitCode == 0, $"{after}\n{ctr.Log()}");
            Assert.Equal("resumed\n", after.Stdout);

            KillAndRemove(id, [], 42);
            Assert.True(ContainerdDaemon.Gone(pid), "the task's process outlived task rm");
            Assert.False(Directory.Exists(Path.Join(ctr.RuntimeRoot, id)), "the runtime's state outlived task rm");
        }
        finally
        {
            ctr.Remove(id);
        }
    }

    [Fact]
    public void KillSigkill_TaskExits137()
    {
        const string id = "ctr-sigkill";
        try
        {
            StartSleeper(id);
            KillAndRemove(id, ["--signal", "SIGKILL"], 137);
        }
        finally
        {
            ctr.Remove(id);
        }
    }

    [Fact]
    public void KillAll_ReachesExecProcessesToo()
    {
        const string id = "ctr-killall";
        try
        {
            StartSleeper(id);
            var bg = ctr.Exec(id, ["--detach", "--exec-id", "other"], ["sleep", "999"]);
            Assert.True(bg.ExitCode == 0, $"{bg}\n{ctr.Log()}");
            // The exec's failure comes from our exec's log, as create's does.
            var bad = ctr.Exec(id, ["--exec-id", "bad"], ["/bin/ocirun-test-missing"]);
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("ctr: OCI runtime exec failed: exec: process.args[0]: exec: \"/bin/ocirun-test-missing\": no such file or directory: unknown", bad.Stderr);

            KillAndRemove(id, ["--all", "--signal", "SIGKILL"], 137, () =>
                Assert.True(Cmd.WaitFor(() => File.ReadAllText($"/sys/fs/cgroup/pids/ocirun-test/{id}/cgroup.procs").Trim() == ""),
                    "kill --all left processes in the cgroup"));
        }
        finally
        {
            ctr.Remove(id);
        }
    }

    [Fact]
    public void FailedCreate_MemoryLimitTooSmall_NamesTheOomKiller()
    {
        // runc's write of such a limit fails (EBUSY: runc init is already charged); ocirun writes limits before init
        // joins, so the OOM killer ends init. With a memory limit init joins before it execs: when the join ran in
        // parallel, init's start-up was sometimes charged outside, create succeeded and `true` died of OOM (137).
        var r = ctr.Run(["--rm", "--memory-limit", "100000"], "ctr-tinymem", ["true"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(
            "OCI runtime create failed: create: container init exited during setup (killed by signal 9): out of memory in the container's cgroup (linux.resources.memory.limit: 100000 bytes): unknown",
            r.Stderr);
        AssertNothingLeft("ctr-tinymem");
    }

    [Fact]
    public void RmForce_OfAPausedTask_RemovesIt()
    {
        // ctr sends `kill --all ID 9` and waits for the exit: the kill must thaw the v1 freezer, as runc's does.
        const string id = "ctr-pausedrm";
        try
        {
            StartSleeper(id);
            int pid = ctr.TaskPid(id);
            Assert.Equal(0, ctr.Ctr(["task", "pause", id]).ExitCode);
            Assert.Equal("PAUSED", ctr.TaskStatus(id));
            var rm = ctr.Ctr(["task", "rm", "--force", id], 20_000);
            Assert.True(rm.ExitCode == 0, $"{rm}\n{ctr.Log()}");
            Assert.Null(ctr.TaskStatus(id));
            Assert.True(ContainerdDaemon.Gone(pid), "the paused task's process outlived task rm --force");
            Assert.False(Directory.Exists($"/sys/fs/cgroup/freezer/ocirun-test/{id}"), "the cgroup outlived task rm --force");
        }
        finally
        {
            ctr.Remove(id);
        }
    }

    [Fact]
    public void FailedCreate_MissingBinary_ReachesTheUser()
    {
        // The shim reads the last error of our --log-format json log and puts it in ctr's message as it is.
        var r = ctr.Run(["--rm"], "ctr-missing", ["/bin/ocirun-test-missing"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(
            "ctr: failed to create shim task: OCI runtime create failed: create: process.args[0]: exec: \"/bin/ocirun-test-missing\": no such file or directory: unknown",
            r.Stderr);
        AssertNothingLeft("ctr-missing");
    }

    [Fact]
    public void FailedCreate_NotInPath_ReachesTheUser()
    {
        var r = ctr.Run(["--rm"], "ctr-notinpath", ["ocirun-test-missing"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("OCI runtime create failed: create: process.args[0]: exec: \"ocirun-test-missing\": executable file not found in $PATH: unknown", r.Stderr);
        AssertNothingLeft("ctr-notinpath");
    }

    [Fact]
    public void FailedCreate_ImpossibleMount_ReachesTheUser()
    {
        var r = ctr.Run(["--rm", "--mount", "type=bind,src=/ocirun-test-nonexistent,dst=/x,options=rbind"], "ctr-badmount", ["true"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Matches(@"OCI runtime create failed: create: mounts\[\d+\] \(/x\): source /ocirun-test-nonexistent: no such file or directory: unknown", r.Stderr);
        AssertNothingLeft("ctr-badmount");
    }

    [Fact]
    public void FailedStart_HookError_ReachesTheUserAndRmCleansUp()
    {
        // A whole spec of our own (ctr run --config): a startContainer hook that fails, so create succeeds and start
        // does not. The shim then runs `delete` without --force: init must already be gone (stopped), as with runc.
        const string id = "ctr-hookfail";
        string bundle = ctr.SpecBundle(id, spec =>
        {
            spec["process"]!["args"] = new System.Text.Json.Nodes.JsonArray("echo", "should-not-run");
            spec["hooks"] = System.Text.Json.Nodes.JsonNode.Parse(
                """{"startContainer":[{"path":"/bin/sh","args":["sh","-c","echo hook-failed-on-purpose >&2; exit 3"]}]}""");
        });
        var r = ctr.RunConfig(["--rm"], Path.Join(bundle, "config.json"), id);
        Assert.True(r.ExitCode == 1, $"{r}\n{ctr.Log()}");
        Assert.DoesNotContain("should-not-run", r.Stdout);
        Assert.Contains(
            "ctr: OCI runtime start failed: start: hooks.startContainer[0]: /bin/sh failed (exit status 3): hook-failed-on-purpose: unknown",
            r.Stderr);
        AssertNothingLeft(id);
    }

    [Fact]
    public void RunRmTty_TheProcessHasATerminal()
    {
        // ctr -t wants a terminal of its own: script(1) gives it one. The shim passes --console-socket to create.
        string line = $"ctr --address {ctr.Address} --namespace {ContainerdDaemon.Namespace} run --rm -t {string.Join(' ', ctr.RunFlags)} " +
                      $"{ContainerdDaemon.Image} {ctr.NewId("ctr-tty")} sh -c 'tty; echo hi; exit 5'";
        var r = Cmd.Run("script", ["-qec", line, "/dev/null"]);
        Assert.True(r.ExitCode == 5, $"{r}\n{ctr.Log()}");
        // Two terminals (the container's and script's) each turn \n into \r\n.
        Assert.Matches(@"/dev/pts/\d+\r+\nhi\r+\n", r.Stdout);
        AssertNothingLeft("ctr-tty");
    }

    /// <summary>After a failed create: no container, no runtime state, no cgroup.</summary>
    private void AssertNothingLeft(string id)
    {
        Assert.DoesNotContain(id, ctr.Ctr(["container", "ls", "--quiet"]).Stdout);
        Assert.False(Directory.Exists(Path.Join(ctr.RuntimeRoot, id)), "the runtime's state outlived the failed create");
        foreach (var h in new[] { "pids", "memory", "freezer", "cpu,cpuacct" })
            Assert.False(Directory.Exists($"/sys/fs/cgroup/{h}/ocirun-test/{id}"), $"the {h} cgroup outlived the failed create");
    }

    /// <summary>A detached task running `sleep 1000`, or the test fails with ctr's output and the daemon's log.</summary>
    /// <summary>`ctr task kill` with <paramref name="killArgs"/>, the task seen STOPPED, then `ctr task rm`, which
    /// reports the task's exit code; <paramref name="whileStopped"/> checks more before the task is removed.</summary>
    private void KillAndRemove(string id, string[] killArgs, int exitCode, Action? whileStopped = null)
    {
        var kill = ctr.Ctr(["task", "kill", .. killArgs, id]);
        Assert.True(kill.ExitCode == 0, $"{kill}\n{ctr.Log()}");
        Assert.True(Cmd.WaitFor(() => ctr.TaskStatus(id) == "STOPPED"), $"still {ctr.TaskStatus(id)} after task kill {string.Join(' ', killArgs)}");
        whileStopped?.Invoke();
        var rm = ctr.Ctr(["task", "rm", id]);
        Assert.True(rm.ExitCode == 0, $"{rm}\n{ctr.Log()}");
        Assert.Contains($"exit code {exitCode}", rm.Stderr);
    }

    private void StartSleeper(string id)
    {
        var run = ctr.Run(["--detach"], id, ["sleep", "1000"]);
        Assert.True(run.ExitCode == 0, $"{run}\n{ctr.Log()}");
    }
}
