namespace OciSpec;

/// <summary>getrlimit(2) resource names and their Linux resource numbers (generic asm values; x86, arm, riscv...).</summary>
public static class Rlimits
{
    /// <summary>Names in resource-number order: <c>Names[resource]</c>.</summary>
    public static IReadOnlyList<string> Names => Table;

    private static readonly string[] Table =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>RLIM_INFINITY as the kernel reports it; configs write it as 18446744073709551615.</summary>
    public const ulong Infinity = ulong.MaxValue;

    /// <summary>A scan of sixteen names: cheaper than building a dictionary in a process that looks up a few.</summary>
    public static bool TryGetResource(string? name, out int resource)
    {
        resource = name is null ? -1 : Array.IndexOf(Table, name);
        return resource >= 0;
    }
}
