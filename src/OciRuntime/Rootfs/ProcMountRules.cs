namespace OciRuntime.Rootfs;

/// <summary>
/// Where a mount may land with respect to /proc (runc's checkProcMount): a mount resolving into /proc could cover
/// the files the runtime writes through (sysctl, attr, oom_score_adj) or the masks. /proc itself takes only a proc
/// filesystem (or a bind of one); below it only the files lxcfs emulates.
/// </summary>
internal static class ProcMountRules
{
    /// <summary>runc's list: files that FUSE emulators such as lxcfs bind over.</summary>
    internal static readonly IReadOnlyList<string> Allowed =
    [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
    ];

    /// <summary>Null when a mount of <paramref name="type"/> may land on <paramref name="pathInRoot"/> (the
    /// destination as resolved inside the rootfs, absolute and clean); otherwise why not.</summary>
    internal static string? Refusal(string pathInRoot, string type, bool isBind, Func<bool> bindSourceIsProc)
    {
        if (pathInRoot == "/proc")
        {
            if (isBind ? bindSourceIsProc() : type == "proc") return null;
            return "resolves to /proc, which takes only a proc filesystem or a bind of one";
        }
        if (!pathInRoot.StartsWith("/proc/", StringComparison.Ordinal)) return null;
        if (Allowed.Contains(pathInRoot)) return null;
        return $"resolves to {pathInRoot}, inside /proc (only {string.Join(", ", Allowed)} may be mounted over there)";
    }

    /// <summary>A destination as a clean absolute path, ".." taken lexically and never above "/" (as runc cleans it).</summary>
    internal static string Clean(string path) => LexicalPath.Clean(path);
}

/// <summary>A mounts[] destination the rules refuse: worded with the config field by MountSetup.</summary>
internal sealed class DestinationRefused(string message) : Exception(message);
