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
        store.SweepAbandonedRemovals();
        switch (store.KindOf(id))
        {
            case EntryKind.Missing when force: return;
            case EntryKind.Missing: throw new ContainerNotFound(id);
            case EntryKind.NotDirectory:
                DeleteWreck(id, force, warnings);
                return;
        }
        ContainerLock lck;
        // A concurrent delete may remove it while we wait for the lock: --force then succeeds as if it was never there.
        try { lck = store.Lock(id); }
        catch (ContainerNotFound) when (force) { return; }
        using var _ = lck;
        Container c;
        // The lock stays held for an entry without a record too: a create that claims the id meanwhile must not
        // find its new directory removed under it.
        try { c = Container.OpenLocked(store, lck, knownCgroup, known); }
        catch (DamagedState e) when (force || e.Damage == Damage.NoRecord)
        {
            DeleteWithoutRecord(id, force, warnings);
            return;
        }
        catch (ContainerNotFound) when (force) { return; }
        c.Require(force ? Operation.ForceDelete : Operation.Delete);
        var rec = c.Record;
        var poststop = rec.Complete ? PoststopHooks(c, force, warnings) : null;

        if (c.Status != LifecycleStatus.Stopped || c.Cgroup.Exists()) Kill(rec, c.Cgroup);

        if (poststop is { Count: > 0 })
        {
            string stopped = HookState.Json(id, OciSpec.ContainerStatus.Stopped, 0, rec.Bundle, rec.Annotations);
            foreach (var e in HookRunner.RunAllCollectingErrors("poststop", poststop, stopped))
                warnings.WriteLine($"ocirun delete: warning: {e}");
        }
        c.Cgroup.Destroy();
        c.RemoveEntry();
    }

    /// <summary>The poststop hooks of the config copy, read before anything is changed. A damaged copy stops a
    /// plain delete with the file named; --force goes on without the hooks and says so.</summary>
    private static List<OciSpec.Hook>? PoststopHooks(Container c, bool force, TextWriter warnings)
    {
        try { return c.Config().Hooks?.Poststop; }
        catch (DamagedState e) when (force)
        {
            warnings.WriteLine($"ocirun delete: warning: {e.Message}: its poststop hooks are not run");
            return null;
        }
        catch (DamagedState e)
        {
            throw new RuntimeError($"{e.Message}; `delete --force {c.Id}` removes the container without running its poststop hooks");
        }
    }

    /// <summary>
    /// An entry with no readable record: a create killed before its first save (nothing else made yet, so plain
    /// delete removes it, as runc and crun do), or a damaged state.json (--force only). config.json, written before
    /// the cgroup is made, names the cgroup; without it --force looks where a container of this id gets one by default.
    /// </summary>
    private void DeleteWithoutRecord(string id, bool force, TextWriter warnings)
    {
        try
        {
            OciSpec.Spec? spec;
            // Only the cgroup path is wanted here (no record, so no hooks ran or will): a damaged copy is a missing one.
            try { spec = Container.ReadConfig(store, id); }
            catch (DamagedState) { spec = null; }
            var cgroup = spec is null && !force ? null : CgroupManagerFactory.Create(spec?.Linux?.CgroupsPath, id);
            if (cgroup is not null && cgroup.Exists())
            {
                if (!force && cgroup.Pids().Count > 0)
                    throw new RuntimeError($"cannot delete container {id} that is not stopped: its cgroup {cgroup.Path} has processes (use --force)");
                Kill(new ContainerRecord { Id = id, Bundle = "", Rootfs = "" }, cgroup);
                cgroup.Destroy();
            }
        }
        catch (Exception c) when (force && c is RuntimeError or SyscallException or IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"ocirun delete: warning: {id}: cgroup of a damaged container: {c.Message}");
        }
        store.Remove(id);
    }

    /// <summary>
    /// &lt;root&gt;/&lt;id&gt; is a file (or a symlink) where a directory should be: nothing in it names the cgroup, so
    /// --force cleans the cgroup a container of this id gets by default (its processes killed through it) and
    /// unlinks the entry, never following it.
    /// </summary>
    private void DeleteWreck(string id, bool force, TextWriter warnings)
    {
        var damage = DamagedState.NotDirectory(id, store.DirOf(id));
        if (!force) throw new RuntimeError($"{damage.Message}; `delete --force {id}` removes it");
        string cleaned = "";
        try
        {
            var cgroup = CgroupManagerFactory.Create(null, id);
            if (cgroup.Exists())
            {
                Kill(new ContainerRecord { Id = id, Bundle = "", Rootfs = "" }, cgroup);
                cgroup.Destroy();
                cleaned = $" and its cgroup {cgroup.Path}";
            }
        }
        catch (Exception c) when (c is RuntimeError or SyscallException or IOException or UnauthorizedAccessException)
        {
            warnings.WriteLine($"ocirun delete: warning: {id}: default cgroup of a damaged container: {c.Message}");
        }
        store.Remove(id);
        warnings.WriteLine($"ocirun delete: warning: {damage.Message}: removed it{cleaned}");
    }

    /// <summary>SIGKILL to everything of the container, then wait until the kernel has let go of it.</summary>
    private static void Kill(ContainerRecord rec, ICgroupManager cgroup)
    {
        long pidfd = -1;
        if (rec.Pid > 0 && ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime))
        {
            pidfd = Sys.TryPidfdOpen(rec.Pid);
            if (pidfd >= 0) Sys.TryPidfdSendSignal((int)pidfd, Sys.SIGKILL);
        }
        if (cgroup.Exists())
        {
            if (cgroup.IsFrozen()) { try { cgroup.Thaw(); } catch (RuntimeError) { } }
            cgroup.KillAll(Sys.SIGKILL);
        }
        if (pidfd >= 0)
        {
            Span<Sys.PollFd> fds = [new Sys.PollFd { Fd = (int)pidfd, Events = Sys.POLLIN }];
            Sys.TryPoll(fds, 10_000);
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
