using OciSpec;

namespace OciRuntime.Interop;

/// <summary>The kernel's value for the names OciSpec validates: namespaces, capabilities, rlimits, scheduling and memory policy
/// (mount options are <see cref="MountOptionTable"/>). A unit test keeps each table's names equal to OciSpec's.</summary>
internal static class SpecKernelValues
{
    /// <summary>The CLONE_NEW* flag for clone/unshare/setns.</summary>
    internal static ulong CloneFlag(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Pid => Sys.CLONE_NEWPID,
        NamespaceKind.Network => Sys.CLONE_NEWNET,
        NamespaceKind.Mount => Sys.CLONE_NEWNS,
        NamespaceKind.Ipc => Sys.CLONE_NEWIPC,
        NamespaceKind.Uts => Sys.CLONE_NEWUTS,
        NamespaceKind.User => Sys.CLONE_NEWUSER,
        NamespaceKind.Cgroup => Sys.CLONE_NEWCGROUP,
        NamespaceKind.Time => Sys.CLONE_NEWTIME,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Capability bit numbers (linux/capability.h).</summary>
    internal static IReadOnlyDictionary<string, int> CapabilityBits { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["CAP_CHOWN"] = 0, ["CAP_DAC_OVERRIDE"] = 1, ["CAP_DAC_READ_SEARCH"] = 2, ["CAP_FOWNER"] = 3, ["CAP_FSETID"] = 4,
        ["CAP_KILL"] = 5, ["CAP_SETGID"] = 6, ["CAP_SETUID"] = 7, ["CAP_SETPCAP"] = 8, ["CAP_LINUX_IMMUTABLE"] = 9,
        ["CAP_NET_BIND_SERVICE"] = 10, ["CAP_NET_BROADCAST"] = 11, ["CAP_NET_ADMIN"] = 12, ["CAP_NET_RAW"] = 13,
        ["CAP_IPC_LOCK"] = 14, ["CAP_IPC_OWNER"] = 15, ["CAP_SYS_MODULE"] = 16, ["CAP_SYS_RAWIO"] = 17,
        ["CAP_SYS_CHROOT"] = 18, ["CAP_SYS_PTRACE"] = 19, ["CAP_SYS_PACCT"] = 20, ["CAP_SYS_ADMIN"] = 21,
        ["CAP_SYS_BOOT"] = 22, ["CAP_SYS_NICE"] = 23, ["CAP_SYS_RESOURCE"] = 24, ["CAP_SYS_TIME"] = 25,
        ["CAP_SYS_TTY_CONFIG"] = 26, ["CAP_MKNOD"] = 27, ["CAP_LEASE"] = 28, ["CAP_AUDIT_WRITE"] = 29,
        ["CAP_AUDIT_CONTROL"] = 30, ["CAP_SETFCAP"] = 31, ["CAP_MAC_OVERRIDE"] = 32, ["CAP_MAC_ADMIN"] = 33,
        ["CAP_SYSLOG"] = 34, ["CAP_WAKE_ALARM"] = 35, ["CAP_BLOCK_SUSPEND"] = 36, ["CAP_AUDIT_READ"] = 37,
        ["CAP_PERFMON"] = 38, ["CAP_BPF"] = 39, ["CAP_CHECKPOINT_RESTORE"] = 40,
    };

    internal static bool TryGetCapabilityBit(string? name, out int bit)
    {
        bit = -1;
        return name is not null && CapabilityBits.TryGetValue(name, out bit);
    }

    /// <summary>getrlimit(2) resource numbers (the generic asm values: x86, arm, riscv...).</summary>
    internal static IReadOnlyDictionary<string, int> Rlimits { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["RLIMIT_CPU"] = 0, ["RLIMIT_FSIZE"] = 1, ["RLIMIT_DATA"] = 2, ["RLIMIT_STACK"] = 3, ["RLIMIT_CORE"] = 4,
        ["RLIMIT_RSS"] = 5, ["RLIMIT_NPROC"] = 6, ["RLIMIT_NOFILE"] = 7, ["RLIMIT_MEMLOCK"] = 8, ["RLIMIT_AS"] = 9,
        ["RLIMIT_LOCKS"] = 10, ["RLIMIT_SIGPENDING"] = 11, ["RLIMIT_MSGQUEUE"] = 12, ["RLIMIT_NICE"] = 13,
        ["RLIMIT_RTPRIO"] = 14, ["RLIMIT_RTTIME"] = 15,
    };

    /// <summary>sched_setattr(2) policies.</summary>
    internal static IReadOnlyDictionary<string, int> SchedPolicies { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["SCHED_OTHER"] = 0, ["SCHED_FIFO"] = 1, ["SCHED_RR"] = 2, ["SCHED_BATCH"] = 3,
        ["SCHED_ISO"] = 4, ["SCHED_IDLE"] = 5, ["SCHED_DEADLINE"] = 6,
    };

    /// <summary>sched_attr.sched_flags bits.</summary>
    internal static IReadOnlyDictionary<string, ulong> SchedFlags { get; } = new Dictionary<string, ulong>(StringComparer.Ordinal)
    {
        ["SCHED_FLAG_RESET_ON_FORK"] = 0x01, ["SCHED_FLAG_RECLAIM"] = 0x02, ["SCHED_FLAG_DL_OVERRUN"] = 0x04,
        ["SCHED_FLAG_KEEP_POLICY"] = 0x08, ["SCHED_FLAG_KEEP_PARAMS"] = 0x10,
        ["SCHED_FLAG_UTIL_CLAMP_MIN"] = 0x20, ["SCHED_FLAG_UTIL_CLAMP_MAX"] = 0x40,
    };

    /// <summary>ioprio_set(2) classes.</summary>
    internal static IReadOnlyDictionary<string, int> IOPriorityClasses { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["IOPRIO_CLASS_RT"] = 1, ["IOPRIO_CLASS_BE"] = 2, ["IOPRIO_CLASS_IDLE"] = 3,
    };

    /// <summary>set_mempolicy(2) modes.</summary>
    internal static IReadOnlyDictionary<string, int> MemoryPolicyModes { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_DEFAULT"] = 0, ["MPOL_PREFERRED"] = 1, ["MPOL_BIND"] = 2, ["MPOL_INTERLEAVE"] = 3,
        ["MPOL_LOCAL"] = 4, ["MPOL_PREFERRED_MANY"] = 5, ["MPOL_WEIGHTED_INTERLEAVE"] = 6,
    };

    /// <summary>set_mempolicy(2) mode flags (or'ed into the mode).</summary>
    internal static IReadOnlyDictionary<string, int> MemoryPolicyFlags { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["MPOL_F_NUMA_BALANCING"] = 1 << 13, ["MPOL_F_RELATIVE_NODES"] = 1 << 14, ["MPOL_F_STATIC_NODES"] = 1 << 15,
    };
}
