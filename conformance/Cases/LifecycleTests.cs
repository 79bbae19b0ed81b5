using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>runtime.md: the create → start → exit → delete lifecycle and the errors around it.</summary>
public class LifecycleTests
{
    const string RuntimeMd = "runtime.md";

    // A process that keeps the container running until the case ends it.
    static readonly string[] LongRunning = ["sleep", "60"];

    [Fact]
    [Spec(RuntimeMd, "Upon successful completion of this operation the `status` property of this container MUST be `created`.")]
    [Spec(RuntimeMd, "**`pid`** (int, REQUIRED when `status` is `created` or `running` on Linux, OPTIONAL on other platforms) is the ID of the container process.")]
    [Spec(RuntimeMd, "**`bundle`** (string, REQUIRED) is the absolute path to the container's bundle directory.")]
    public void Create_StatusIsCreated_WithPidAndBundle()
    {
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        var r = c.Create();
        Assert.True(r.Succeeded, r.ToString());

        var state = c.StateJson();
        Assert.Equal("created", (string?)state["status"]);
        Assert.Equal(c.Id, (string?)state["id"]);
        int pid = (int)state["pid"]!;
        Assert.True(pid > 0, $"pid {pid}");
        Assert.True(Directory.Exists($"/proc/{pid}"), $"pid {pid} from state is not a live host process");
        Assert.Equal(c.Bundle.Path, (string?)state["bundle"]);
    }

    [Fact]
    [Spec(RuntimeMd, "This means that all of the resources associated with the container MUST be created, however, the user-specified program MUST NOT be run at this time.")]
    [Spec(RuntimeMd, "This operation MUST run the user-specified program as specified by `process`.")]
    public void Create_DoesNotRunProcess_StartDoes()
    {
        using var c = new TestContainer();
        // The rootfs is the bundle's directory, so a file the process writes shows up on the host.
        string marker = Path.Combine(c.Bundle.RootfsPath, "tmp", "started");
        c.Bundle.Shell("echo yes > /tmp/started; sleep 60");
        c.MustCreate();

        Thread.Sleep(300);
        Assert.False(File.Exists(marker), "the process ran before start");

        var r = c.Start();
        Assert.True(r.Succeeded, r.ToString());
        Assert.True(SpinWait.SpinUntil(() => File.Exists(marker), TimeSpan.FromSeconds(10)), "the process did not run after start");
    }

    [Fact]
    [Spec(RuntimeMd, "Any updates to `config.json` after this step MUST NOT affect the container.")]
    public void ConfigChangesAfterCreate_DoNotAffectContainer()
    {
        using var c = new TestContainer();
        string rootfsTmp = Path.Combine(c.Bundle.RootfsPath, "tmp");
        c.Bundle.Shell("touch /tmp/original; sleep 60");
        c.MustCreate();

        c.Bundle.Shell("touch /tmp/changed; sleep 60");
        c.Bundle.Write();

        c.MustStart();
        Assert.True(SpinWait.SpinUntil(() => File.Exists(Path.Combine(rootfsTmp, "original")), TimeSpan.FromSeconds(10)),
            "the process from the config at create time did not run");
        Assert.False(File.Exists(Path.Combine(rootfsTmp, "changed")), "the config written after create was used");
    }

    [Fact]
    [Spec(RuntimeMd, "Upon successful completion of this operation the `status` property of this container MUST be `running`.")]
    public void Start_StatusIsRunning()
    {
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        int pid = (int)c.StateJson()["pid"]!;

        var r = c.Start();
        Assert.True(r.Succeeded, r.ToString());
        var state = c.StateJson();
        Assert.Equal("running", (string?)state["status"]);
        Assert.Equal(pid, (int)state["pid"]!);
    }

    [Fact]
    [Spec(RuntimeMd, "`stopped`: the container process has exited")]
    public void ProcessExit_StatusIsStopped()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
    }

    [Fact]
    [Spec(RuntimeMd, "Deleting a container MUST delete the resources that were created during the `create` step.")]
    [Spec(RuntimeMd, "Attempting to query a container that does not exist MUST generate an error.")]
    public void Delete_Stopped_StateFailsAfterwards()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");

        var r = c.Delete();
        Assert.True(r.Succeeded, r.ToString());
        var state = c.State();
        Assert.False(state.Succeeded, $"state still works after delete: {state}");
    }

    [Fact]
    [Spec(RuntimeMd, "Once a container is deleted its ID MAY be used by a subsequent container.")]
    public void Delete_FreesId()
    {
        // Not a MUST, but every engine reuses ids (docker restart, k8s restarts) and runc
        // and crun allow it; a runtime that keeps state behind would break them.
        using var c = new TestContainer();
        c.Bundle.Args("true");
        Assert.True(c.Run().Succeeded);
        Assert.True(c.Delete().Succeeded || !c.State().Succeeded);
        var again = c.Run();
        Assert.True(again.Succeeded, again.ToString());
    }

    [Fact]
    [Spec(RuntimeMd, "Attempting to `start` a container that is not `created` MUST have no effect on the container and MUST generate an error.")]
    public void Start_Running_FailsWithoutEffect()
    {
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        c.MustStart();
        int pid = (int)c.StateJson()["pid"]!;

        var again = c.Start();
        Assert.False(again.Succeeded, $"second start succeeded: {again}");
        var state = c.StateJson();
        Assert.Equal("running", (string?)state["status"]);
        Assert.Equal(pid, (int)state["pid"]!);
    }

    [Fact]
    [Spec(RuntimeMd, "Attempting to `start` a container that is not `created` MUST have no effect on the container and MUST generate an error.")]
    public void Start_Stopped_Fails()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");

        var again = c.Start();
        Assert.False(again.Succeeded, $"start of a stopped container succeeded: {again}");
        Assert.Equal("stopped", c.Status());
    }

    [Fact]
    [Spec(RuntimeMd, "Attempting to send a signal to a container that is neither `created` nor `running` MUST have no effect on the container and MUST generate an error.")]
    public void Kill_Stopped_FailsWithoutEffect()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");

        var r = c.Kill("KILL");
        Assert.False(r.Succeeded, $"kill of a stopped container succeeded: {r}");
        Assert.Equal("stopped", c.Status());
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST send the specified signal to the container process.")]
    public void Kill_Created_DeliversSignal()
    {
        // kill is allowed on a created container ("neither created nor running" is the
        // error case); SIGKILL must end its process, so the container becomes stopped.
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        var r = c.Kill("KILL");
        Assert.True(r.Succeeded, r.ToString());
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST send the specified signal to the container process.")]
    public void Kill_DefaultSignal_TerminatesProcess()
    {
        // runc's `kill` sends SIGTERM when no signal is given. The process is pid 1 of
        // its pid namespace, and the kernel drops signals that pid 1 has no handler for,
        // so the process traps TERM and exits.
        using var c = new TestContainer();
        c.Bundle.Shell("trap 'exit 0' TERM; touch /tmp/ready; while :; do sleep 0.1; done");
        c.MustCreate();
        c.MustStart();
        WaitReady(c);

        var r = c.Kill();
        Assert.True(r.Succeeded, r.ToString());
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
    }

    [Fact]
    [Spec(RuntimeMd, "If the ID provided is not unique across all containers within the scope of the runtime, or is not valid in any other way, the implementation MUST generate an error and a new container MUST NOT be created.")]
    public void Create_TakenId_FailsAndLeavesFirstUntouched()
    {
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        var before = c.StateJson();

        using var other = new Bundle.BundleBuilder();
        other.Args(LongRunning);
        other.Linux["cgroupsPath"] = c.CgroupsPath + "-second";
        other.Write();
        var r = c.Invoke("create", "--bundle", other.Path, c.Id);
        Assert.False(r.Succeeded, $"second create with the same id succeeded: {r}");

        var after = c.StateJson();
        Assert.Equal("created", (string?)after["status"]);
        Assert.Equal((int)before["pid"]!, (int)after["pid"]!);
        Assert.Equal(c.Bundle.Path, (string?)after["bundle"]);
        Assert.True(Directory.Exists($"/proc/{(int)after["pid"]!}"), "the first container's process is gone");
    }

    [Fact]
    [Spec(RuntimeMd, "Attempting to `delete` a container that is not `stopped` MUST have no effect on the container and MUST generate an error.")]
    public void Delete_Running_WithoutForce_FailsWithoutEffect()
    {
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        c.MustStart();
        int pid = (int)c.StateJson()["pid"]!;

        var r = c.Delete();
        Assert.False(r.Succeeded, $"delete of a running container succeeded: {r}");
        var state = c.StateJson();
        Assert.Equal("running", (string?)state["status"]);
        Assert.False(Probe.IsDead(pid), "the process died");
    }

    [Fact]
    [Spec(RuntimeMd, "Deleting a container MUST delete the resources that were created during the `create` step.")]
    public void DeleteForce_Running_RemovesContainer()
    {
        // `delete --force` is runc's CLI, not the spec's: it kills, then deletes. Engines
        // (containerd's shim, podman) rely on it to clean up.
        using var c = new TestContainer();
        c.Bundle.Args(LongRunning);
        c.MustCreate();
        c.MustStart();
        int pid = (int)c.StateJson()["pid"]!;

        var r = c.Delete(force: true);
        Assert.True(r.Succeeded, r.ToString());
        Assert.False(c.State().Succeeded, "state still works after delete --force");
        Assert.True(Probe.WaitDead(pid), "the container process survived delete --force");
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST send the specified signal to the container process.")]
    public void Kill_DeliversTheNamedSignal()
    {
        using var c = new TestContainer();
        string marker = Path.Combine(c.Bundle.RootfsPath, "tmp", "signal");
        c.Bundle.Shell("trap 'echo USR1 > /tmp/signal; exit 0' USR1; trap 'echo TERM > /tmp/signal; exit 0' TERM; touch /tmp/ready; while :; do sleep 0.1; done");
        c.MustCreate();
        c.MustStart();
        WaitReady(c);

        var r = c.Kill("USR1");
        Assert.True(r.Succeeded, r.ToString());
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
        Assert.Equal("USR1", File.ReadAllText(marker).Trim());
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST run the user-specified program as specified by `process`.")]
    public void Create_ProcessWritesToCreatorsStdout()
    {
        // With terminal false the process inherits the stdio `create` was given; this is
        // how containerd's shim and podman's conmon collect a container's output.
        using var c = new TestContainer();
        c.Bundle.Shell("echo out-line; echo err-line >&2");
        var create = c.Create();
        Assert.True(create.Succeeded, create.ToString());
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
        Assert.Equal("out-line", create.StdoutNow().Trim());
    }

    /// <summary>
    /// Waits until the shell has installed its traps and touched /tmp/ready: a signal
    /// that reaches pid 1 before its handler exists is dropped by the kernel.
    /// </summary>
    static void WaitReady(TestContainer c)
    {
        string ready = Path.Combine(c.Bundle.RootfsPath, "tmp", "ready");
        Assert.True(SpinWait.SpinUntil(() => File.Exists(ready), TimeSpan.FromSeconds(10)), "the process never got ready");
    }
}
