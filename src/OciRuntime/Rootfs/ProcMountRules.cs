namespace OciRuntime.Rootfs;

/// <summary>
/// Where a mount may land with respect to /proc (runc's checkProcMount): a mount resolving into /proc could cover
/// the files the runtime writes through (sysctl, attr, oom_score_adj) or the masks. /proc itself takes only a proc
/// filesystem (or a bind of one); below it only the files lxcfs emulates. The zone's routine applies the rules
/// (Setup/MountRoutines) to where each destination really resolved.
/// </summary>
internal static class ProcMountRules
{
    /// <summary>runc's list: files that FUSE emulators such as lxcfs bind over.</summary>
    internal static readonly IReadOnlyList<string> Allowed =
    [
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps", "/proc/uptime",
        "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
    ];

    /// <summary>A destination as a clean absolute path, ".." taken lexically and never above "/" (as runc cleans it).</summary>
    internal static string Clean(string path) => LexicalPath.Clean(path);
}
