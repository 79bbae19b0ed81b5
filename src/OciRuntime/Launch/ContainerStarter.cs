using OciRuntime.Cgroups;
using OciRuntime.Hooks;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>`start`: releases init through the exec FIFO, waits for its execve, then runs poststart hooks.</summary>
internal sealed class ContainerStarter(StateStore store, PhaseTimer timer)
{
    /// <summary><paramref name="known"/>, <paramref name="knownCgroup"/>: the config and the cgroup when the caller
    /// has them already (`run`), saving a re-parse.</summary>
    internal void Start(string id, TextWriter warnings, Spec? known = null, ICgroupManager? knownCgroup = null)
    {
        using var c = Container.Open(store, id, locked: true, knownCgroup, known);
        c.Require(Operation.Start);
        var rec = c.Record;
        // Read before init is released: a damaged copy is refused while nothing has changed yet, never a
        // start that quietly skips the poststart hooks.
        var spec = c.Config();
        string? error = ExecGate.Release(c.FifoPath, rec.Pid);
        c.RemoveFifo();
        timer.Mark("exec");
        if (error is not null)
        {
            AwaitReaped(rec.Pid, rec.PidStartTime);
            throw new RuntimeError(error);
        }

        if (spec.Hooks?.Poststart is { Count: > 0 } poststart)
        {
            string running = HookState.Json(id, OciSpec.ContainerStatus.Running, rec.Pid, rec.Bundle, rec.Annotations);
            // runtime-spec 1.3 (lifecycle step 9): a failing poststart hook is an error that stops the container;
            // `delete` then continues the lifecycle (1.2 only asked for a warning).
            try { HookRunner.RunAll("poststart", poststart, running); }
            catch (RuntimeError)
            {
                PoststartFailure.Stop(rec.Pid, rec.PidStartTime, c.Cgroup);
                throw;
            }
        }
    }

    /// <summary>
    /// After a failed start, waits (a second at most) until init's parent has reaped it. containerd's shim marks
    /// the task stopped only when it reaps init: had start failed before that, the shim would still say "created",
    /// and docker's delete of the failed task is then refused ("task must be stopped before deletion"), leaving
    /// the shim, this state and the cgroup behind. (runc's start does not fail for the process's own exec errors,
    /// so it never meets this.) Not when init is our own child (`run`): nobody else would reap it.
    /// </summary>
    private static void AwaitReaped(int pid, ulong startTime)
    {
        for (int i = 0; i < 200 && ProcStat.TryRead(pid, out _, out ulong t, out int parent) && t == startTime && parent != Environment.ProcessId; i++)
            Thread.Sleep(5);
    }
}
