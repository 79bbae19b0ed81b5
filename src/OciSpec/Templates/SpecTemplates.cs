namespace OciSpec;

/// <summary>What <c>ocirun spec</c> writes: the content of <c>runc spec</c> and <c>runc spec --rootless</c>, plus a cgroup
/// namespace (as newer runc writes) so the container sees only its own cgroup tree.</summary>
/// <remarks>Every call builds fresh objects, so callers may modify the lists they get.</remarks>
public static class SpecTemplates
{
    /// <summary>A privileged container running <c>sh</c> on a terminal in ./rootfs.</summary>
    public static Spec Default() => new()
    {
        OciVersion = OciVersions.Current,
        Process = DefaultProcess(),
        Root = new Root { Path = "rootfs", Readonly = true },
        Hostname = "ocirun",
        Mounts = DefaultMounts(rootless: false),
        Linux = new Linux
        {
            // Deny every device; the runtime adds its default allow list (null, zero, tty, ...) on top.
            Resources = new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] },
            Namespaces = Namespaces("pid", "network", "ipc", "uts", "mount", "cgroup"),
            MaskedPaths = MaskedPaths(),
            ReadonlyPaths = ReadonlyPaths(),
        },
    };

    /// <summary>The rootless variant. The id mappings map container root to host id 0 as placeholders:
    /// the CLI replaces HostID with the caller's uid/gid (as <c>runc spec --rootless</c> does with os.Geteuid()).</summary>
    public static Spec Rootless()
    {
        Spec spec = Default();
        return spec with
        {
            Mounts = DefaultMounts(rootless: true),
            Linux = spec.Linux! with
            {
                // An unprivileged user cannot create a network namespace with connectivity or program the devices
                // cgroup, so runc drops both; a user namespace makes the rest possible.
                Resources = null,
                UidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = 0, Size = 1 }],
                GidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = 0, Size = 1 }],
                Namespaces = Namespaces("pid", "ipc", "uts", "mount", "cgroup", "user"),
            },
        };
    }

    /// <summary>Return <paramref name="spec"/> with the user-namespace mappings pointed at the given host ids.</summary>
    public static Spec WithRootlessIds(Spec spec, uint hostUid, uint hostGid)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Linux linux = spec.Linux ?? new Linux();
        return spec with
        {
            Linux = linux with
            {
                UidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = hostUid, Size = 1 }],
                GidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = hostGid, Size = 1 }],
            },
        };
    }

    private static Process DefaultProcess()
    {
        // runc's default set: enough for a shell, nothing that reaches outside the container.
        string[] caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"];
        return new Process
        {
            Terminal = true,
            User = new User { Uid = 0, Gid = 0 },
            Args = ["sh"],
            Env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
            Cwd = "/",
            Capabilities = new LinuxCapabilities
            {
                Bounding = [.. caps],
                Effective = [.. caps],
                Permitted = [.. caps],
                Ambient = [.. caps],
            },
            Rlimits = [new PosixRlimit { Type = "RLIMIT_NOFILE", Hard = 1024, Soft = 1024 }],
            NoNewPrivileges = true,
        };
    }

    private static List<Mount> DefaultMounts(bool rootless) =>
    [
        new Mount { Destination = "/proc", Type = "proc", Source = "proc" },
        new Mount
        {
            Destination = "/dev", Type = "tmpfs", Source = "tmpfs",
            Options = ["nosuid", "strictatime", "mode=755", "size=65536k"],
        },
        new Mount
        {
            Destination = "/dev/pts", Type = "devpts", Source = "devpts",
            // gid=5 (tty) may not be mapped in a rootless user namespace, where mounting with it fails.
            Options = rootless
                ? ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]
                : ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
        },
        new Mount
        {
            Destination = "/dev/shm", Type = "tmpfs", Source = "shm",
            Options = ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"],
        },
        new Mount
        {
            Destination = "/dev/mqueue", Type = "mqueue", Source = "mqueue",
            Options = ["nosuid", "noexec", "nodev"],
        },
        // Without its own network namespace a container may not mount sysfs, so the rootless spec binds the host's.
        rootless
            ? new Mount
            {
                Destination = "/sys", Type = "none", Source = "/sys",
                Options = ["rbind", "nosuid", "noexec", "nodev", "ro"],
            }
            : new Mount
            {
                Destination = "/sys", Type = "sysfs", Source = "sysfs",
                Options = ["nosuid", "noexec", "nodev", "ro"],
            },
        new Mount
        {
            Destination = "/sys/fs/cgroup", Type = "cgroup", Source = "cgroup",
            Options = ["nosuid", "noexec", "nodev", "relatime", "ro"],
        },
    ];

    private static List<LinuxNamespace> Namespaces(params string[] types) =>
        [.. types.Select(t => new LinuxNamespace { Type = t })];

    // Kernel interfaces that leak host information or allow host-wide effects.
    private static List<string> MaskedPaths() =>
    [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
        "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi",
    ];

    private static List<string> ReadonlyPaths() =>
        ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];
}
