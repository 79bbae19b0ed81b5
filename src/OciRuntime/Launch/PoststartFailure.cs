using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>runtime-spec 1.3, lifecycle step 9: after a failing poststart hook the runtime stops the container, so
/// that its state is "stopped" when `start` reports the error and `delete` can go on.</summary>
internal static class PoststartFailure
{
    internal static void Stop(int pid, ulong startTime, ICgroupManager cgroup)
    {
        if (ProcStat.IsSameLiveProcess(pid, startTime)) Sys.TryKill(pid, Sys.SIGKILL);
        try { if (cgroup.Exists()) cgroup.KillAll(Sys.SIGKILL); } catch (RuntimeError) { }
        // Until the kernel has taken it down (a zombie counts as stopped): a second at most.
        for (int i = 0; i < 200 && ProcStat.IsSameLiveProcess(pid, startTime); i++) Thread.Sleep(5);
    }
}
