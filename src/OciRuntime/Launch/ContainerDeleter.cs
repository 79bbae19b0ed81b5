using OciRuntime.Cgroups;
using OciRuntime.Hooks;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>
/// `delete`: removes a stopped container (its cgroup, its state), or with --force kills a live one first.
/// runtime.md: deleting a container that is not stopped (created included, unlike runc and crun) MUST fail
/// and change nothing. Works on the leftovers of an interrupted create too.
/// </summary>
internal sealed class ContainerDeleter(StateStore store)
{
    /// <summary><paramref name="known"/>, <paramref name="knownCgroup"/>: the config and the cgroup when the caller
    /// has them already (`run`), saving a re-parse.</summary>
    internal void Delete(string id, bool force, TextWriter warnings, OciSpec.Spec? known = null, ICgroupManager? knownCgroup = null)
    {
        StateStore.ValidateId(id);
        if (!store.Exists(id))
        {
            if (force) return;
            throw new ContainerNotFound(id);
        }
        ContainerLock lck;
        // A concurrent delete may remove it while we wait for the lock: --force then succeeds as if it was never there.
        try { lck = store.Lock(id); }
        catch (ContainerNotFound) when (force) { return; }
        using var _ = lck;
        ContainerRecord rec;
        try { rec = store.Load(id); }
        catch (Exception e) when (e is DamagedState or ContainerNotFound)
        {
            if (!force) throw;
            // No record to go by: config.json (written before the cgroup is made) names the cgroup; empty and remove it.
            try
            {
                var orphan = CgroupManagerFactory.Create(ContainerConfig.Load(store, id)?.Linux?.CgroupsPath, id);
                if (orphan.Exists())
                {
                    Kill(new ContainerRecord { Id = id, Bundle = "", Rootfs = "" }, orphan);
                    orphan.Destroy();
                }
            }
            catch (Exception c) when (c is RuntimeError or IOException or UnauthorizedAccessException)
            {
                warnings.WriteLine($"ocirun delete: warning: {id}: cgroup of a damaged container: {c.Message}");
            }
            store.Remove(id);
            return;
        }
        var cgroup = knownCgroup ?? CgroupManagerFactory.Create(rec.CgroupPath, id);
        var status = StatusProbe.Probe(store, rec, () => cgroup);
        if (status is LifecycleStatus.Created or LifecycleStatus.Running or LifecycleStatus.Paused or LifecycleStatus.Creating && !force)
            throw new RuntimeError($"cannot delete container {id} that is not stopped: {status.ToSpec()} (use --force)");

        if (status != LifecycleStatus.Stopped || cgroup.Exists()) Kill(rec, cgroup);

        var spec = known ?? ContainerConfig.Load(store, id);
        if (rec.Complete && spec?.Hooks?.Poststop is { Count: > 0 } poststop)
        {
            string stopped = HookState.Json(id, OciSpec.ContainerStatus.Stopped, 0, rec.Bundle, rec.Annotations);
            foreach (var e in HookRunner.RunAllCollectingErrors("poststop", poststop, stopped))
                warnings.WriteLine($"ocirun delete: warning: {e}");
        }
        cgroup.Destroy();
        Resctrl.IntelRdt.Remove(store.DirOf(id));
        Rootfs.HostMounts.Remove(store.DirOf(id), rec.Rootfs);
        store.Remove(id);
    }

    /// <summary>SIGKILL to everything of the container, then wait until the kernel has let go of it.</summary>
    private static void Kill(ContainerRecord rec, ICgroupManager cgroup)
    {
        long pidfd = -1;
        if (rec.Pid > 0 && ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime))
        {
            pidfd = Sys.PidfdOpen(rec.Pid);
            if (pidfd >= 0) Sys.PidfdSendSignal((int)pidfd, Sys.SIGKILL);
        }
        if (cgroup.Exists())
        {
            if (cgroup.IsFrozen()) { try { cgroup.Thaw(); } catch (RuntimeError) { } }
            cgroup.KillAll(Sys.SIGKILL);
        }
        if (pidfd >= 0)
        {
            Span<Sys.PollFd> fds = [new Sys.PollFd { Fd = (int)pidfd, Events = Sys.POLLIN }];
            Sys.Poll(fds, 10_000);
            Sys.Close((int)pidfd);
        }
        // Exiting tasks linger in cgroup.procs for a moment; Destroy retries.
        for (int i = 0; i < 200 && cgroup.Exists() && cgroup.Pids().Count > 0; i++)
        {
            cgroup.KillAll(Sys.SIGKILL);
            Thread.Sleep(5);
        }
    }
}
