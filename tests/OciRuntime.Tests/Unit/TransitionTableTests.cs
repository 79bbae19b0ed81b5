using OciRuntime.State;

namespace OciRuntime.Tests.Unit;

/// <summary>
/// Every command against every status, held to runc 1.1.5's behaviour as conformance/ShimContract.md measured it:
/// allowed where runc exits 0, refused with runc's words (at the start of the message, where engines find them)
/// where runc exits non-zero. The expectations are written out here, not read from the table under test.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TransitionTableTests
{
    private const string Id = "ocirun-test-t";
    private const LifecycleStatus Creating = LifecycleStatus.Creating, Created = LifecycleStatus.Created,
        Running = LifecycleStatus.Running, Stopped = LifecycleStatus.Stopped, Paused = LifecycleStatus.Paused;

    /// <summary>null: allowed. Otherwise the words the refusal starts with.</summary>
    private static readonly Dictionary<(Operation, LifecycleStatus), string?> Expected = new()
    {
        // start: only a created container (ShimContract rows "start | running/paused/stopped").
        [(Operation.Start, Creating)] = "cannot start a container in the creating state",
        [(Operation.Start, Created)] = null,
        [(Operation.Start, Running)] = "cannot start an already running container",
        [(Operation.Start, Stopped)] = "cannot start a container that has stopped",
        [(Operation.Start, Paused)] = "cannot start a container in the paused state",
        // kill: created, running, paused (runc's Signal); stopped is ErrNotRunning (containerd's checkKillError).
        [(Operation.Signal, Creating)] = "container not running",
        [(Operation.Signal, Created)] = null,
        [(Operation.Signal, Running)] = null,
        [(Operation.Signal, Stopped)] = "container not running",
        [(Operation.Signal, Paused)] = null,
        // kill --all: whatever the state (the pod sweep of a stopped container, C1/C3/C5).
        [(Operation.SignalAll, Creating)] = null,
        [(Operation.SignalAll, Created)] = null,
        [(Operation.SignalAll, Running)] = null,
        [(Operation.SignalAll, Stopped)] = null,
        [(Operation.SignalAll, Paused)] = null,
        // delete: stopped only; created is refused too, on purpose (runtime.md; ShimContract.md note 1: runc deletes it).
        [(Operation.Delete, Creating)] = "cannot delete container ocirun-test-t that is not stopped: creating",
        [(Operation.Delete, Created)] = "cannot delete container ocirun-test-t that is not stopped: created",
        [(Operation.Delete, Running)] = "cannot delete container ocirun-test-t that is not stopped: running",
        [(Operation.Delete, Stopped)] = null,
        [(Operation.Delete, Paused)] = "cannot delete container ocirun-test-t that is not stopped: paused",
        [(Operation.ForceDelete, Creating)] = null,
        [(Operation.ForceDelete, Created)] = null,
        [(Operation.ForceDelete, Running)] = null,
        [(Operation.ForceDelete, Stopped)] = null,
        [(Operation.ForceDelete, Paused)] = null,
        // pause: running or created (runc's Pause); a paused or stopped one is ErrNotRunning.
        [(Operation.Pause, Creating)] = "container not running",
        [(Operation.Pause, Created)] = null,
        [(Operation.Pause, Running)] = null,
        [(Operation.Pause, Stopped)] = "container not running",
        [(Operation.Pause, Paused)] = "container not running",
        // resume: paused only, else ErrNotPaused (created and running too, unlike crun).
        [(Operation.Resume, Creating)] = "container not paused",
        [(Operation.Resume, Created)] = "container not paused",
        [(Operation.Resume, Running)] = "container not paused",
        [(Operation.Resume, Stopped)] = "container not paused",
        [(Operation.Resume, Paused)] = null,
        // exec: created or running; paused only with --ignore-paused.
        [(Operation.Exec, Creating)] = "cannot exec in a creating container",
        [(Operation.Exec, Created)] = null,
        [(Operation.Exec, Running)] = null,
        [(Operation.Exec, Stopped)] = "cannot exec in a stopped container",
        [(Operation.Exec, Paused)] = "cannot exec in a paused container (use --ignore-paused to override)",
        [(Operation.ExecIgnoringPause, Creating)] = "cannot exec in a creating container",
        [(Operation.ExecIgnoringPause, Created)] = null,
        [(Operation.ExecIgnoringPause, Running)] = null,
        [(Operation.ExecIgnoringPause, Stopped)] = "cannot exec in a stopped container",
        [(Operation.ExecIgnoringPause, Paused)] = null,
        // update: anything but stopped (runc's update checks for Stopped only).
        [(Operation.Update, Creating)] = "container not running",
        [(Operation.Update, Created)] = null,
        [(Operation.Update, Running)] = null,
        [(Operation.Update, Stopped)] = "container not running",
        [(Operation.Update, Paused)] = null,
        // checkpoint: a process tree that criu can dump.
        [(Operation.Checkpoint, Creating)] = "container not running",
        [(Operation.Checkpoint, Created)] = "container not running",
        [(Operation.Checkpoint, Running)] = null,
        [(Operation.Checkpoint, Stopped)] = "container not running",
        [(Operation.Checkpoint, Paused)] = null,
        // events: runc refuses a stopped container only.
        [(Operation.Events, Creating)] = null,
        [(Operation.Events, Created)] = null,
        [(Operation.Events, Running)] = null,
        [(Operation.Events, Stopped)] = "container with id ocirun-test-t is not running",
        [(Operation.Events, Paused)] = null,
        // ps (a stopped one prints [], C8) and state: always.
        [(Operation.Ps, Creating)] = null,
        [(Operation.Ps, Created)] = null,
        [(Operation.Ps, Running)] = null,
        [(Operation.Ps, Stopped)] = null,
        [(Operation.Ps, Paused)] = null,
        [(Operation.State, Creating)] = null,
        [(Operation.State, Created)] = null,
        [(Operation.State, Running)] = null,
        [(Operation.State, Stopped)] = null,
        [(Operation.State, Paused)] = null,
    };

    /// <summary>By name: the enums are internal to ocirun, and the names read well in the runner's list.</summary>
    public static TheoryData<string, string> EveryCase()
    {
        var data = new TheoryData<string, string>();
        foreach (var op in Enum.GetValues<Operation>())
            foreach (var status in Enum.GetValues<LifecycleStatus>())
                data.Add(op.ToString(), status.ToString());
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCase))]
    public void Each_command_in_each_status_is_allowed_or_refused_in_runcs_words(string command, string state)
    {
        var (op, status) = (Enum.Parse<Operation>(command), Enum.Parse<LifecycleStatus>(state));
        Assert.True(Expected.TryGetValue((op, status), out string? refusal), $"no expectation written for {op} x {status}");
        Assert.Equal(refusal is null, Transitions.Allows(op, status));
        if (refusal is null) Transitions.Require(op, Id, status);
        else
        {
            var e = Assert.ThrowsAny<RuntimeError>(() => Transitions.Require(op, Id, status));
            Assert.StartsWith(refusal, e.Message, StringComparison.Ordinal);
            // Our context follows runc's words: the id, so a log line says which container.
            Assert.Contains(Id, e.Message);
        }
    }

    [Fact]
    public void The_expectations_cover_every_command_and_status()
    {
        Assert.Equal(Enum.GetValues<Operation>().Length * Enum.GetValues<LifecycleStatus>().Length, Expected.Count);
    }

    [Fact]
    public void Engines_get_the_exception_types_they_are_told_apart_by()
    {
        Assert.IsType<ContainerNotRunning>(Transitions.Refusal(Operation.Signal, Id, Stopped));
        Assert.IsType<ContainerNotPaused>(Transitions.Refusal(Operation.Resume, Id, Running));
    }
}
