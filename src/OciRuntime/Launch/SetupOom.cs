using OciRuntime.Cgroups;

namespace OciRuntime.Launch;

/// <summary>
/// Names the OOM killer when it ends init during create. ocirun writes the limits before init joins the cgroup, so
/// a memory limit too small for init's setup shows as init dying of SIGKILL, where runc refuses to write the limit;
/// without this the user read only "container init exited during setup". InitSpawner joins init to the cgroup
/// before its exec whenever a limit is set, so all of init's setup is charged there and the outcome is the same each time.
/// </summary>
internal static class SetupOom
{
    /// <summary>A watcher on the fresh cgroup's OOM counter, only when a memory limit is set (else nothing to explain).</summary>
    internal static OomWatcher? Watch(ICgroupManager cgroup, long? limit)
    {
        if (limit is not > 0) return null;
        // Best effort: the explanation is not worth failing a create for.
        try { return cgroup.WatchOom(); }
        catch (Exception e) when (e is RuntimeError or IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The error to report instead of <paramref name="e"/> when the OOM killer acted during setup, else null.</summary>
    internal static RuntimeError? Explain(OomWatcher? oom, Exception e, long? limit)
    {
        if (oom is null || e is not RuntimeError) return null;
        try
        {
            return oom.Check(out _)
                ? new RuntimeError($"{e.Message}: out of memory in the container's cgroup (linux.resources.memory.limit: {limit} bytes)")
                : null;
        }
        catch (Exception c) when (c is RuntimeError or IOException or UnauthorizedAccessException) { return null; }
    }
}
