namespace OciSpec;

/// <summary>Names used by <c>process.scheduler</c>, <c>process.ioPriority</c> and <c>linux.memoryPolicy</c>; their
/// kernel values are the runtime's.</summary>
public static class SchedulingNames
{
    /// <summary>sched_setattr(2) policies.</summary>
    public static IReadOnlySet<string> Policies { get; } = Set(
        "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE");

    /// <summary>sched_attr.sched_flags bits.</summary>
    public static IReadOnlySet<string> PolicyFlags { get; } = Set(
        "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN", "SCHED_FLAG_KEEP_POLICY",
        "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN", "SCHED_FLAG_UTIL_CLAMP_MAX");

    /// <summary>ioprio_set(2) classes.</summary>
    public static IReadOnlySet<string> IOPriorityClasses { get; } = Set("IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE");

    /// <summary>set_mempolicy(2) modes.</summary>
    public static IReadOnlySet<string> MemoryPolicyModes { get; } = Set(
        "MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL", "MPOL_PREFERRED_MANY",
        "MPOL_WEIGHTED_INTERLEAVE");

    /// <summary>set_mempolicy(2) mode flags (or'ed into the mode).</summary>
    public static IReadOnlySet<string> MemoryPolicyFlags { get; } = Set(
        "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES");

    private static HashSet<string> Set(params string[] names) => new(names, StringComparer.Ordinal);
}
