using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// DESIGN.md §4 step 8: the order in which privileges are given up. Each call acts on the calling thread,
/// the one that will execve.
/// </summary>
internal static class Credentials
{
    /// <summary>Drops every capability not in the bounding set (needs CAP_SETPCAP, so before the uid change).</summary>
    internal static void DropBounding(ulong bounding, int lastCap)
    {
        for (int cap = 0; cap <= lastCap; cap++)
        {
            if ((bounding & (1UL << cap)) != 0) continue;
            long r = Sys.TryPrctl(Sys.PR_CAPBSET_DROP, cap);
            if (r < 0 && r != -Errno.EINVAL) Sys.Check(r, $"drop capability {cap} from the bounding set");
        }
    }

    /// <summary>Switches to the configured user, keeping the permitted capabilities across setuid.</summary>
    internal static void SwitchUser(User user, bool setgroupsAllowed)
    {
        Sys.Check(Sys.TryPrctl(Sys.PR_SET_KEEPCAPS, 1), "prctl PR_SET_KEEPCAPS");
        if (setgroupsAllowed)
        {
            var groups = user.AdditionalGids ?? [];
            try { Sys.SetGroups(groups.ToArray()); }
            catch (SyscallException e) { throw Field($"process.user.additionalGids [{string.Join(',', groups)}]", e, "gid"); }
        }
        try { Sys.SetResGid(user.Gid); }
        catch (SyscallException e) { throw Field($"process.user.gid {user.Gid}", e, "gid"); }
        try { Sys.SetResUid(user.Uid); }
        catch (SyscallException e) { throw Field($"process.user.uid {user.Uid}", e, "uid"); }
        Sys.Check(Sys.TryPrctl(Sys.PR_SET_KEEPCAPS, 0), "prctl PR_SET_KEEPCAPS");
    }

    /// <summary>The failed call, under the config field whose value it was given. EINVAL from these calls means the
    /// id has no mapping in the container's user namespace.</summary>
    private static RuntimeError Field(string field, SyscallException e, string kind) =>
        new($"{field}: {e.Message}{(e.Errno == Errno.EINVAL ? $" (a {kind} the container's user namespace does not map)" : "")}");

    internal static void SetCapabilities(CapabilitySets caps)
    {
        Sys.Capset(caps.Effective, caps.Permitted, caps.Inheritable);
        Sys.Check(Sys.TryPrctl(Sys.PR_CAP_AMBIENT, Sys.PR_CAP_AMBIENT_CLEAR_ALL), "clear ambient capabilities");
        // The kernel raises an ambient capability only if it is permitted and inheritable. runc's default config
        // lists ambient capabilities without inheritable ones; like runc, such a raise is skipped, not fatal.
        ulong raisable = caps.Ambient & caps.Permitted & caps.Inheritable;
        for (int cap = 0; cap < 64; cap++)
            if ((raisable & (1UL << cap)) != 0)
                Sys.Check(Sys.TryPrctl(Sys.PR_CAP_AMBIENT, Sys.PR_CAP_AMBIENT_RAISE, cap), $"raise ambient capability {cap}");
    }

    internal static void NoNewPrivileges() => Sys.Check(Sys.TryPrctl(Sys.PR_SET_NO_NEW_PRIVS, 1), "prctl PR_SET_NO_NEW_PRIVS");
}
