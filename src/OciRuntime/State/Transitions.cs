using System.Collections.Immutable;

namespace OciRuntime.State;

/// <summary>What a command asks of a container (the rows of <see cref="Transitions"/>).</summary>
internal enum Operation
{
    Start, Signal, SignalAll, Delete, ForceDelete, Pause, Resume, Exec, ExecIgnoringPause, Update, Checkpoint, Events, Ps, State,
}

/// <summary>
/// Which command may act on a container in which status: the one table every command asks (youki's
/// <c>can_start</c>/<c>can_kill</c>/<c>can_delete</c> are the model), and the words of each refusal, which are
/// runc's (conformance/ShimContract.md: engines match them by substring).
/// </summary>
internal static class Transitions
{
    private const bool Y = true, n = false;

    // Columns in LifecycleStatus order. Differences from runc, on purpose: a plain delete of a created container
    // is refused (runtime.md requires it; ShimContract.md note 1). "Creating" is ours: an init still coming up.
    private static readonly ImmutableArray<ImmutableArray<bool>> Table =
    [
        //                    Creating Created Running Stopped Paused
        /* Start             */ [ n,     Y,      n,      n,      n ],
        /* Signal            */ [ n,     Y,      Y,      n,      Y ],
        /* SignalAll         */ [ Y,     Y,      Y,      Y,      Y ], // sweeps the cgroup whatever the state, as runc
        /* Delete            */ [ n,     n,      n,      Y,      n ],
        /* ForceDelete       */ [ Y,     Y,      Y,      Y,      Y ],
        /* Pause             */ [ n,     Y,      Y,      n,      n ],
        /* Resume            */ [ n,     n,      n,      n,      Y ],
        /* Exec              */ [ n,     Y,      Y,      n,      n ],
        /* ExecIgnoringPause */ [ n,     Y,      Y,      n,      Y ],
        /* Update            */ [ n,     Y,      Y,      n,      Y ],
        /* Checkpoint        */ [ n,     n,      Y,      n,      Y ],
        /* Events            */ [ Y,     Y,      Y,      n,      Y ],
        /* Ps                */ [ Y,     Y,      Y,      Y,      Y ],
        /* State             */ [ Y,     Y,      Y,      Y,      Y ],
    ];

    internal static bool Allows(Operation op, LifecycleStatus status) => Table[(int)op][(int)status];

    /// <summary>Throws the refusal unless <paramref name="op"/> may act on a container in <paramref name="status"/>.</summary>
    internal static void Require(Operation op, string id, LifecycleStatus status)
    {
        if (!Allows(op, status)) throw Refusal(op, id, status);
    }

    /// <summary>runc's words for each refusal, with the id (and our context) after them.</summary>
    internal static RuntimeError Refusal(Operation op, string id, LifecycleStatus status) => op switch
    {
        Operation.Start => new RuntimeError(status switch
        {
            LifecycleStatus.Running => $"cannot start an already running container: {id}",
            LifecycleStatus.Stopped => $"cannot start a container that has stopped: {id}",
            _ => $"cannot start a container in the {status.ToSpec()} state: {id}",
        }),
        Operation.Signal or Operation.Pause or Operation.Update or Operation.Checkpoint => new ContainerNotRunning(id, status),
        Operation.Resume => new ContainerNotPaused(id, status),
        Operation.Delete => new RuntimeError($"cannot delete container {id} that is not stopped: {status.ToSpec()} (use --force)"),
        Operation.Exec when status == LifecycleStatus.Paused =>
            new RuntimeError($"cannot exec in a paused container (use --ignore-paused to override): {id}"),
        Operation.Exec or Operation.ExecIgnoringPause => new RuntimeError($"cannot exec in a {status.ToSpec()} container: {id}"),
        Operation.Events => new RuntimeError($"container with id {id} is not running"),
        _ => new RuntimeError($"{op}: not allowed for container {id} in the {status.ToSpec()} state"),
    };
}
