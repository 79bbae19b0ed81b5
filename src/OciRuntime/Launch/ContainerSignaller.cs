using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>`kill`: a signal to the container's process (or, with --all, every process of its cgroup).</summary>
internal sealed class ContainerSignaller(StateStore store)
{
    internal void Kill(string id, int signal, bool all)
    {
        using var c = Container.Open(store, id);
        var (rec, status) = (c.Record, c.Status);
        // runtime.md: signalling a container that is neither created nor running MUST generate an error. The
        // words are runc's (ErrNotRunning): containerd's shim (checkKillError) and podman match them.
        c.Require(all ? Operation.SignalAll : Operation.Signal);
        if (all)
        {
            // --all sweeps the cgroup whatever the state, as runc does: containerd's shim sends `kill --all <id> KILL`
            // after the init of a container sharing its pod's pid namespace has exited, to reap what is left, and
            // treats any failure as an unrecorded exit (the CRI then shows the container running forever).
            // A stopped container whose cgroup is already gone has nothing left to sweep.
            if (status == LifecycleStatus.Stopped && !c.Cgroup.Exists()) return;
            c.Cgroup.KillAll(signal);
        }
        else SignalInit(id, rec.Pid, rec.PidStartTime, signal);
        // A frozen v1 cgroup holds even SIGKILL until it is thawed: `podman kill` of a paused container waited
        // forever for the exit. runc thaws after a SIGKILL too, and after every --all: the leftovers of a paused
        // container whose init has exited (stopped, yet frozen) die only then.
        if (signal == Sys.SIGKILL && (status == LifecycleStatus.Paused || all && c.Cgroup.IsFrozen())) c.Cgroup.Thaw();
    }

    private static void SignalInit(string id, int pid, ulong startTime, int signal)
    {
        // A pidfd pins the process: the signal cannot reach a pid that was reused since the check.
        using var pidfd = new OwnedFd(Sys.TryPidfdOpen(pid));
        if (!pidfd.IsOpen || !ProcStat.IsSameLiveProcess(pid, startTime)) throw new ContainerNotRunning(id, LifecycleStatus.Stopped);
        Sys.Check(Sys.TryPidfdSendSignal(pidfd.Fd, signal), $"send signal {signal} to pid {pid}");
    }
}
