namespace OciSpec;

/// <summary>Linux capability names (capabilities(7)), up to CAP_CHECKPOINT_RESTORE (Linux 5.9); their bit numbers
/// are the runtime's.</summary>
/// <remarks>Whether the running kernel knows a capability is a separate, host-side check (/proc/sys/kernel/cap_last_cap).</remarks>
public static class Capabilities
{
    /// <summary>In the kernel's order, which is how <c>features</c> lists them.</summary>
    public static IReadOnlyList<string> Names => Table;

    private static readonly string[] Table =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Exact (case-sensitive), as the kernel's names are upper case. A scan of forty-one names: cheaper
    /// than building a set in a process that looks up a handful once.</summary>
    public static bool IsKnown(string? name) => name is not null && Array.IndexOf(Table, name) >= 0;
}
