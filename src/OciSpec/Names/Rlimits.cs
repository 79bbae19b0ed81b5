namespace OciSpec;

/// <summary>getrlimit(2) resource names; the resource numbers are the runtime's.</summary>
public static class Rlimits
{
    public static IReadOnlyList<string> Names => Table;

    private static readonly string[] Table =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>RLIM_INFINITY as the kernel reports it; configs write it as 18446744073709551615.</summary>
    public const ulong Infinity = ulong.MaxValue;

    /// <summary>A scan of sixteen names: cheaper than building a set in a process that looks up a few.</summary>
    public static bool IsKnown(string? name) => name is not null && Array.IndexOf(Table, name) >= 0;
}
