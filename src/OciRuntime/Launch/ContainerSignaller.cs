using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>`kill`: a signal to the container's process (or, with --all, every process of its cgroup).</summary>
internal sealed class ContainerSignaller(StateStore store)
{
    internal void Kill(string id, int signal, bool all)
    {
        var (rec, cgroup, status) = ContainerCgroup.Open(store, id);
        // runtime.md: signalling a container that is neither created nor running MUST generate an error.
        if (status is LifecycleStatus.Stopped or LifecycleStatus.Creating)
            throw new RuntimeError($"container {id} is not running ({status.ToSpec()})");
        if (all)
        {
            cgroup.KillAll(signal);
            // A task frozen by the v1 freezer does not die of SIGKILL until thawed. runc's kill --all ends thawed
            // too, and containerd's `task rm --force` of a paused task waits for that exit (it hung with ocirun).
            if (signal == Sys.SIGKILL && cgroup.IsFrozen()) cgroup.Thaw();
            return;
        }
        // A pidfd pins the process: the signal cannot reach a pid that was reused since the check.
        long pidfd = Sys.PidfdOpen(rec.Pid);
        if (pidfd < 0) throw new RuntimeError($"container {id} is not running");
        try
        {
            if (!ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime)) throw new RuntimeError($"container {id} is not running");
            Sys.Check(Sys.PidfdSendSignal((int)pidfd, signal), $"send signal {signal} to pid {rec.Pid}");
        }
        finally { Sys.Close((int)pidfd); }
    }
}
