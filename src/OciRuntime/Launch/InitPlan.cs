namespace OciRuntime.Launch;

/// <summary>
/// What the parent tells init beyond config.json. Sent through a memfd (length-prefixed plan, then the spec
/// JSON), so init does not read the bundle and no size limit of a socket applies. A new field goes into
/// InitPlanCodec too (a unit test fails until it does).
/// </summary>
internal sealed record InitPlan
{
    public required string Id { get; init; }
    public required string Bundle { get; init; }
    /// <summary>Absolute host path of the rootfs.</summary>
    public required string Rootfs { get; init; }
    public bool NoPivot { get; init; }
    /// <summary>Connected --console-socket, or -1.</summary>
    public int ConsoleSocketFd { get; init; } = -1;
    /// <summary>Extra descriptors, 3 .. 3+N-1, passed to the container (--preserve-fds, LISTEN_FDS).</summary>
    public int PreserveFds { get; init; }
    /// <summary>O_PATH descriptor of exec.fifo, reopened for writing through /proc/self/fd.</summary>
    public int FifoFd { get; init; } = -1;
    /// <summary>The container's cgroup path, for cgroup mounts without a cgroup namespace.</summary>
    public string? CgroupPath { get; init; }
    /// <summary>Init stops before pivot_root so the parent can run prestart and createRuntime hooks.</summary>
    public bool ParentHooks { get; init; }
    public bool UseInit { get; init; }
    /// <summary>Init creates the cgroup namespace itself, after the parent confirms the cgroup join.</summary>
    public bool UnshareCgroupNamespace { get; init; }
    /// <summary>`exec`: join a running container; no rootfs, no hooks, no exec FIFO.</summary>
    public bool Exec { get; init; }
    /// <summary>The compiled seccomp program (struct sock_filter array) and its seccomp(2) flags.</summary>
    public byte[]? SeccompProgram { get; init; }
    public uint SeccompFlags { get; init; }
    public bool Trace { get; init; }
    /// <summary>/proc/sys/kernel/cap_last_cap as the parent read it.</summary>
    public int LastCap { get; init; } = -1;
    /// <summary>Per mounts[] entry: a detached idmapped mount made by the parent for init to attach, or -1.</summary>
    public int[]? IdMapMountFds { get; init; }
}
