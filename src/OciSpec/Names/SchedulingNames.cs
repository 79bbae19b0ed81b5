namespace OciSpec;

/// <summary>Names used by <c>process.scheduler</c>, <c>process.ioPriority</c> and <c>linux.memoryPolicy</c>, with kernel values.</summary>
public static class SchedulingNames
{
    /// <summary>sched_setattr(2) policies.</summary>
    public static IReadOnlyDictionary<string, int> Policies { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["SCHED_OTHER"] = 0, ["SCHED_FIFO"] = 1, ["SCHED_RR"] = 2, ["SCHED_BATCH"] = 3,
        ["SCHED_ISO"] = 4, ["SCHED_IDLE"] = 5, ["SCHED_DEADLINE"] = 6,
    };

    /// <summary>sched_attr.sched_flags bits.</summary>
    public static IReadOnlyDictionary<string, ulong> PolicyFlags { get; } = new Dictionary<string, ulong>(StringComparer.Ordinal)
    {
        ["SCHED_FLAG_RESET_ON_FORK"] = 0x01, ["SCHED_FLAG_RECLAIM"] = 0x02, ["SCHED_FLAG_DL_OVERRUN"] = 0x04,
        ["SCHED_FLAG_KEEP_POLICY"] = 0x08, ["SCHED_FLAG_KEEP_PARAMS"] = 0x10,
        ["SCHED_FLAG_UTIL_CLAMP_MIN"] = 0x20, ["SCHED_FLAG_UTIL_CLAMP_MAX"] = 0x40,
    };

    /// <summary>ioprio_set(2) classes.</summary>
    public static IReadOnlyDictionary<string, int> IOPriorityClasses { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["IOPRIO_CLASS_RT"] = 1, ["IOPRIO_CLASS_BE"] = 2, ["IOPRIO_CLASS_IDLE"] = 3,
    };

    /// <summary>set_mempolicy(2) modes.</summary>
    public static IReadOnlyDictionary<string, int> MemoryPolicyModes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_DEFAULT"] = 0, ["MPOL_PREFERRED"] = 1, ["MPOL_BIND"] = 2, ["MPOL_INTERLEAVE"] = 3,
        ["MPOL_LOCAL"] = 4, ["MPOL_PREFERRED_MANY"] = 5, ["MPOL_WEIGHTED_INTERLEAVE"] = 6,
    };

    /// <summary>set_mempolicy(2) mode flags (or'ed into the mode).</summary>
    public static IReadOnlyDictionary<string, int> MemoryPolicyFlags { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_F_NUMA_BALANCING"] = 1 << 13, ["MPOL_F_RELATIVE_NODES"] = 1 << 14, ["MPOL_F_STATIC_NODES"] = 1 << 15,
    };
}
