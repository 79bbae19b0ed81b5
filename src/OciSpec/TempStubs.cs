using System.Collections.Frozen;
// TEMPORARY: removed when the spec branch's Names, Validation and Templates land.
#pragma warning disable

namespace OciSpec;

/// <summary>Linux capability names (capabilities(7)) and their bit numbers, up to CAP_CHECKPOINT_RESTORE (Linux 5.9).</summary>
/// <remarks>Whether the running kernel knows a capability is a separate, host-side check (/proc/sys/kernel/cap_last_cap).</remarks>
public static class Capabilities
{
    /// <summary>Names in bit order: <c>Names[bit]</c> is the capability with that bit number.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ];

    /// <summary>Highest bit number this table knows.</summary>
    public static int LastBit => Names.Count - 1;

    private static readonly FrozenDictionary<string, int> Bits =
        Names.Select((name, bit) => KeyValuePair.Create(name, bit)).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Exact (case-sensitive) lookup, as the kernel's names are upper case.</summary>
    public static bool TryGetBit(string? name, out int bit)
    {
        bit = -1;
        return name is not null && Bits.TryGetValue(name, out bit);
    }

    public static bool TryGetName(int bit, out string name)
    {
        bool ok = bit >= 0 && bit < Names.Count;
        name = ok ? Names[bit] : "";
        return ok;
    }
}


/// <summary>getrlimit(2) resource names and their Linux resource numbers (generic asm values; x86, arm, riscv...).</summary>
public static class Rlimits
{
    /// <summary>Names in resource-number order: <c>Names[resource]</c>.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "RLIMIT_CPU", "RLIMIT_FSIZE", "RLIMIT_DATA", "RLIMIT_STACK", "RLIMIT_CORE", "RLIMIT_RSS", "RLIMIT_NPROC",
        "RLIMIT_NOFILE", "RLIMIT_MEMLOCK", "RLIMIT_AS", "RLIMIT_LOCKS", "RLIMIT_SIGPENDING", "RLIMIT_MSGQUEUE",
        "RLIMIT_NICE", "RLIMIT_RTPRIO", "RLIMIT_RTTIME",
    ];

    /// <summary>RLIM_INFINITY as the kernel reports it; configs write it as 18446744073709551615.</summary>
    public const ulong Infinity = ulong.MaxValue;

    private static readonly FrozenDictionary<string, int> Resources =
        Names.Select((name, n) => KeyValuePair.Create(name, n)).ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGetResource(string? name, out int resource)
    {
        resource = -1;
        return name is not null && Resources.TryGetValue(name, out resource);
    }
}

public sealed record SpecError(string Path, string Message) { public override string ToString() => $"{Path}: {Message}"; }
public static class SpecValidator
{
    public static IReadOnlyList<SpecError> Validate(Spec spec)
    {
        var e = new List<SpecError>();
        if (spec.Process is { } p)
        {
            if (p.Args is null || p.Args.Count == 0) e.Add(new("process.args", "must not be empty"));
            if (!p.Cwd.StartsWith('/')) e.Add(new("process.cwd", $"must be an absolute path, got \"{p.Cwd}\""));
        }
        return e;
    }
}
public static class SpecTemplates
{
    public static Spec Default() => OciJson.ParseSpec(System.Text.Encoding.UTF8.GetBytes(DefaultJson));
    public static Spec Rootless() => Default();
    private const string DefaultJson = """
{"ociVersion":"1.2.0","process":{"terminal":true,"user":{"uid":0,"gid":0},"args":["sh"],
"env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","TERM=xterm"],"cwd":"/",
"capabilities":{"bounding":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],"effective":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],"permitted":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"],"ambient":["CAP_AUDIT_WRITE","CAP_KILL","CAP_NET_BIND_SERVICE"]},
"rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}],"noNewPrivileges":true},
"root":{"path":"rootfs","readonly":true},"hostname":"ocirun",
"mounts":[{"destination":"/proc","type":"proc","source":"proc"},
{"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["nosuid","strictatime","mode=755","size=65536k"]},
{"destination":"/dev/pts","type":"devpts","source":"devpts","options":["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
{"destination":"/dev/shm","type":"tmpfs","source":"shm","options":["nosuid","noexec","nodev","mode=1777","size=65536k"]},
{"destination":"/dev/mqueue","type":"mqueue","source":"mqueue","options":["nosuid","noexec","nodev"]},
{"destination":"/sys","type":"sysfs","source":"sysfs","options":["nosuid","noexec","nodev","ro"]},
{"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["nosuid","noexec","nodev","relatime","ro"]}],
"linux":{"resources":{"devices":[{"allow":false,"access":"rwm"}]},
"namespaces":[{"type":"pid"},{"type":"network"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"}],
"maskedPaths":["/proc/acpi","/proc/asound","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list","/proc/timer_stats","/proc/sched_debug","/sys/firmware","/proc/scsi"],
"readonlyPaths":["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]}}
""";
}
