using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>
/// runc's contract with the engines that drive it, where they read its exit code and match its words: containerd's
/// runc shim (through github.com/containerd/go-runc, whose errors carry the runtime's output), cri-o and podman.
/// Each row is a command on a container in one state, with the exit code and the words of runc 1.1.5, which every
/// one of those engines was written against. conformance/ShimContract.md is the same table with crun's and ocirun's
/// answers and who depends on what.
/// </summary>
public class ShimContractTests
{
    // The engine sources each group of rows is held to. Spec's first argument names the file and function, the
    // second quotes the line that matches the runtime's output.
    const string CheckKillError = "containerd pkg/process/utils.go checkKillError";
    const string InitDelete = "containerd pkg/process/init.go (*Init).delete";
    const string WithProcessKill = "containerd process.go WithProcessKill (task.Delete of the CRI's handleContainerExit)";
    const string CrioRuntimeCmd = "cri-o internal/oci/runtime_oci.go (*runtimeOCI).runtimeCmd";
    const string PodmanState = "podman libpod/oci_conmon_linux.go UpdateContainerStatus";
    const string RuntimeMd = "runtime.md";

    /// <summary>Puts the container in <paramref name="state"/>: missing, created, running, paused or stopped.</summary>
    static void Arrange(TestContainer c, string state)
    {
        if (state == "missing") return;
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        if (state == "created") return;
        c.MustStart();
        if (state == "running") return;
        if (state == "paused")
        {
            var p = c.Invoke("pause", c.Id);
            Assert.True(p.Succeeded, $"pause failed: {p}");
            return;
        }
        Assert.True(c.Kill("KILL").Succeeded, "kill KILL of a running container failed");
        Assert.True(c.WaitForStatus("stopped"), $"not stopped after SIGKILL: {c.Status()}");
    }

    /// <summary>The command line with the container's id in place of "@".</summary>
    static CommandResult Act(TestContainer c, string command) =>
        c.Invoke(command.Split(' ').Select(a => a == "@" ? c.Id : a).ToArray());

    static void AssertOutcome(CommandResult r, int exit, string? words, string state, string command)
    {
        Assert.False(r.TimedOut, $"`{command}` on a {state} container timed out: {r}");
        Assert.True(r.ExitCode == exit, $"`{command}` on a {state} container: exit {r.ExitCode}, runc exits {exit}: {r}");
        if (words is not null)
            Assert.True(r.Stderr.Contains(words, StringComparison.Ordinal),
                $"`{command}` on a {state} container: the error does not say runc's \"{words}\": {r}");
    }

    // ---- what must succeed ----

    [Theory]
    [InlineData("missing", "delete --force @")]
    [InlineData("created", "kill @ TERM")]
    [InlineData("created", "kill --all @ KILL")]
    [InlineData("created", "delete --force @")]
    [InlineData("created", "state @")]
    [InlineData("created", "pause @")]
    [InlineData("created", "exec @ true")]
    [InlineData("created", "ps @")]
    [InlineData("created", "start @")]
    [InlineData("running", "kill @ TERM")]
    [InlineData("running", "kill --all @ TERM")]
    [InlineData("running", "kill @ 0")]
    [InlineData("running", "delete --force @")]
    [InlineData("running", "state @")]
    [InlineData("running", "pause @")]
    [InlineData("running", "exec @ true")]
    [InlineData("running", "ps @")]
    [InlineData("paused", "kill @ KILL")]
    [InlineData("paused", "kill --all @ KILL")]
    [InlineData("paused", "delete --force @")]
    [InlineData("paused", "state @")]
    [InlineData("paused", "resume @")]
    [InlineData("paused", "ps @")]
    [InlineData("stopped", "kill --all @ KILL")]
    [InlineData("stopped", "kill --all @ TERM")]
    [InlineData("stopped", "kill --all @ 0")]
    [InlineData("stopped", "delete @")]
    [InlineData("stopped", "delete --force @")]
    [InlineData("stopped", "state @")]
    [Spec(WithProcessKill, "if err := p.Kill(ctx, syscall.SIGKILL, WithKillAll); err != nil {")]
    [Spec(CrioRuntimeCmd, "return r.signalContainer(c, syscall.SIGKILL, true)")]
    [Spec("podman libpod/oci_conmon_linux.go DeleteContainer", "append(r.runtimeFlags, \"delete\", \"--force\", ctr.ID())")]
    public void Succeeds(string state, string command)
    {
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, command), 0, null, state, command);
    }

    [Fact]
    [Spec("containerd go-runc runc.go (*Runc).Ps", "if err := json.Unmarshal(data, &pids); err != nil {")]
    [Trait("KnownFailure", "crun")]
    public void Ps_OfStopped_SucceedsWithJson()
    {
        // crun 1.8.1 dies of SIGSEGV (exit 139) here. The shim's Pids (go-runc Ps) parses the output as JSON: runc
        // prints "null", an empty list is as good.
        using var c = new TestContainer();
        Arrange(c, "stopped");
        var r = c.Invoke("ps", "--format", "json", c.Id);
        AssertOutcome(r, 0, null, "stopped", "ps --format json @");
        var pids = JsonNode.Parse(r.Stdout);
        Assert.True(pids is null || pids.AsArray().Count == 0, $"ps of a stopped container lists processes: {r}");
    }

    // ---- the errors, in runc's words ----

    [Theory]
    [InlineData("kill @ KILL", 1)]
    [InlineData("kill --all @ KILL", 1)]
    [InlineData("delete @", 1)]
    [InlineData("state @", 1)]
    [InlineData("pause @", 1)]
    [InlineData("resume @", 1)]
    [InlineData("ps @", 1)]
    [InlineData("start @", 1)]
    [InlineData("exec @ true", 255)]
    [Spec(InitDelete, "if strings.Contains(err.Error(), \"does not exist\") {")]
    [Spec(CheckKillError, "} else if strings.Contains(err.Error(), \"does not exist\") {")]
    [Spec(PodmanState, "if strings.Contains(string(out), \"does not exist\") || strings.Contains(string(out), \"No such file\") {")]
    [Spec(RuntimeMd, "Attempting to query a container that does not exist MUST generate an error.")]
    [Trait("KnownFailure", "crun")]
    public void Missing_FailsWith_ContainerDoesNotExist(string command, int exit)
    {
        // crun 1.8.1 says "error opening file `<root>/<id>/status`: No such file or directory" (and exits 253 for
        // ps): podman's "No such file" takes it, containerd's "does not exist" does not.
        using var c = new TestContainer();
        AssertOutcome(Act(c, command), exit, "container does not exist", "missing", command);
    }

    [Theory]
    [InlineData("stopped", "kill @ TERM")]
    [InlineData("stopped", "kill @ KILL")]
    [InlineData("stopped", "kill @ 0")]
    [InlineData("stopped", "pause @")]
    [InlineData("stopped", "update --pids-limit 5 @")]
    [InlineData("paused", "pause @")]
    [Spec(CheckKillError, "strings.Contains(err.Error(), \"container not running\") ||")]
    [Spec(CrioRuntimeCmd, "case strings.Contains(stdErrStr, \"container not running\"):")]
    [Spec(RuntimeMd, "Attempting to send a signal to a container that is neither `created` nor `running` MUST have no effect on the container and MUST generate an error.")]
    [Trait("KnownFailure", "crun")]
    public void NotRunning_FailsWith_ContainerNotRunning(string state, string command)
    {
        // crun 1.8.1: kill says "kill container: No such process" (containerd lower-cases and takes it, cri-o's
        // case-sensitive "no such process" does not), pause says "the container `<id>` is not running", and
        // pausing a paused container succeeds.
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, command), 1, "container not running", state, command);
    }

    [Theory]
    [InlineData("created")]
    [InlineData("running")]
    [InlineData("stopped")]
    [Spec("containerd pkg/process/init_state.go (*pausedState).SetExited", "if err := s.p.runtime.Resume(context.Background(), s.p.id); err != nil {")]
    [Trait("KnownFailure", "crun")]
    public void Resume_OfNotPaused_FailsWith_ContainerNotPaused(string state)
    {
        // crun 1.8.1 resumes a created or running container without a word, and says "the container `<id>` is not
        // running" for a stopped one. No engine matches these words; the row holds the exit code: the shim
        // resumes a paused container whose init has exited and only logs the failure.
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, "resume @"), 1, "container not paused", state, "resume @");
    }

    [Theory]
    [InlineData("running")]
    [InlineData("paused")]
    [Spec(RuntimeMd, "Attempting to `delete` a container that is not `stopped` MUST have no effect on the container and MUST generate an error.")]
    [Trait("KnownFailure", "crun")]
    public void Delete_OfLive_FailsWith_NotStopped(string state)
    {
        // crun 1.8.1 says "the container `<id>` is not in `created` or `stopped` state". The created row is
        // ErrorTests.Delete_Created_WithoutForce_Fails: runc and crun delete a created container there.
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, "delete @"), 1, $"cannot delete container {c.Id} that is not stopped: {state}", state, "delete @");
        Assert.Equal(state, c.Status());
    }

    [Theory]
    [InlineData("paused", "cannot exec in a paused container")]
    [InlineData("stopped", "cannot exec in a stopped container")]
    [Spec("runc exec.go", "fatalWithCode(fmt.Errorf(\"exec failed: %w\", err), 255)")]
    [Trait("KnownFailure", "crun")]
    public void Exec_OfNotRunning_Exits255(string state, string words)
    {
        // runc's exec exits 255 when it fails itself: its other exit codes are the process's. crun 1.8.1 exits 1
        // ("the container `<id>` is paused" / "is not running").
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, "exec @ true"), 255, words, state, "exec @ true");
    }

    [Theory]
    [InlineData("running", "cannot start an already running container")]
    [InlineData("paused", "cannot start a container in the paused state")]
    [InlineData("stopped", "cannot start a container that has stopped")]
    [Spec(RuntimeMd, "Attempting to `start` a container that is not `created` MUST have no effect on the container and MUST generate an error.")]
    [Trait("KnownFailure", "crun")]
    public void Start_OfNotCreated_FailsInRuncsWords(string state, string words)
    {
        // crun 1.8.1 says "cannot open `<root>/<id>/exec.fifo`: No such file or directory" or "container `<id>` is
        // not running".
        using var c = new TestContainer();
        Arrange(c, state);
        AssertOutcome(Act(c, "start @"), 1, words, state, "start @");
    }

    // ---- the pod case: kill --all sweeps what outlives init ----

    [Fact]
    [Spec(WithProcessKill, "if err := p.Kill(ctx, syscall.SIGKILL, WithKillAll); err != nil {")]
    [Spec(CheckKillError, "strings.Contains(err.Error(), \"container not running\") ||")]
    public void KillAll_OfStopped_KillsWhatOutlivedInit()
    {
        // A pod container joins its sandbox's pid namespace, so its init is not that namespace's pid 1 and its
        // children outlive it. When init exits the shim (through the CRI) sends `kill --all <id> KILL`: that must
        // exit 0 and kill the leftovers, or the CRI never records the exit.
        using var sandbox = new TestContainer();
        sandbox.Bundle.Args("sleep", "60");
        sandbox.MustCreate();
        sandbox.MustStart();
        int sandboxPid = (int)sandbox.StateJson()["pid"]!;
        string pidNs = new FileInfo($"/proc/{sandboxPid}/ns/pid").LinkTarget!;

        using var c = new TestContainer();
        foreach (var ns in c.Bundle.Namespaces.Where(n => (string?)n!["type"] == "pid").ToList()) c.Bundle.Namespaces.Remove(ns);
        c.Bundle.Namespaces.Add(new JsonObject { ["type"] = "pid", ["path"] = $"/proc/{sandboxPid}/ns/pid" });
        c.Bundle.Shell("sleep 61 & exit 0");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"init did not exit: {c.Status()}");
        int leftover = FindInPidNs(pidNs, "sleep\0" + "61\0") ?? throw new Xunit.Sdk.XunitException("the child of init is not running");

        // A plain kill signals init alone, which is gone: an error that the shim takes for "already exited"
        // (runc's words are NotRunning_FailsWith_ContainerNotRunning's business), and the leftover lives on.
        var plain = c.Kill("KILL");
        Assert.False(plain.Succeeded, $"plain kill of a stopped container succeeded: {plain}");
        Assert.True(ShimTakesAsExited(plain.Stderr), $"containerd's checkKillError would not take this for an exit: {plain}");
        Assert.False(Probe.IsDead(leftover), "plain kill of a stopped container killed the leftover");

        var all = c.Invoke("kill", "--all", c.Id, "KILL");
        Assert.True(all.Succeeded, $"kill --all of a stopped container failed: {all}");
        Assert.True(Probe.WaitDead(leftover, 5), "kill --all left the child of the exited init running");
        Assert.False(Probe.IsDead(sandboxPid), "kill --all reached the sandbox's init");
    }

    /// <summary>containerd's checkKillError: the texts it maps to "process already finished".</summary>
    static bool ShimTakesAsExited(string output) =>
        output.Contains("os: process already finished", StringComparison.Ordinal)
        || output.Contains("container not running", StringComparison.Ordinal)
        || output.Contains("no such process", StringComparison.OrdinalIgnoreCase);

    /// <summary>The host pid of a process in pid namespace <paramref name="pidNs"/> with that exact cmdline.</summary>
    static int? FindInPidNs(string pidNs, string cmdline)
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
        return null;
    }

    // ---- the log the shim reads ----

    [Fact]
    [Spec("containerd pkg/process/utils.go getLastRuntimeError", "if log.Level == \"error\" {")]
    [Spec("containerd pkg/process/init.go (*Init).runtimeError", "return errors.Errorf(\"%s: %s\", msg, rMsg)")]
    [Trait("KnownFailure", "crun")]
    public void Log_OfFailedKill_CarriesRuncsWords()
    {
        // The shim reports a failed runtime command by the last "error" line of --log (JSON), not by stderr.
        // crun 1.8.1 logs "kill container: No such process".
        using var c = new TestContainer();
        Arrange(c, "stopped");
        string log = c.WorkFile("log.json");
        var r = c.InvokeWithGlobals(["--log", log, "--log-format", "json"], "kill", c.Id, "KILL");
        Assert.False(r.Succeeded, $"kill of a stopped container succeeded: {r}");
        Assert.True(File.Exists(log), $"no --log file: {r}");
        string? last = null;
        foreach (var line in File.ReadAllLines(log))
        {
            if (line.Trim().Length == 0) continue;
            var o = JsonNode.Parse(line);
            if ((string?)o?["level"] == "error") last = (string?)o!["msg"];
        }
        Assert.True(last is not null, $"no error line in --log: {File.ReadAllText(log)}");
        Assert.Contains("container not running", last);
    }
}
