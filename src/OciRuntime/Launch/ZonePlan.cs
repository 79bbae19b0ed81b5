using System.Runtime.InteropServices;

namespace OciRuntime.Launch;

/// <summary>
/// Everything the cloned child needs, laid out in unmanaged memory before the clone so that
/// the child only reads it. Built by <see cref="ZonePlanBuilder"/>, consumed by <see cref="ForkSafe"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZonePlan
{
    public const int MaxFds = 16, MaxRetain = 256;

    /// <summary>Namespaces created by clone itself (the common, fastest case: one fork).</summary>
    public ulong CloneFlags;
    /// <summary>Namespaces created after the joins, with unshare (user namespace first when asked).</summary>
    public ulong UnshareFlags;
    public int UnshareUserFirst;
    /// <summary>The child switches to uid/gid 0 of its user namespace once the parent wrote the maps.</summary>
    public int BecomeRoot;
    /// <summary>A joined or unshared pid or time namespace only applies to children: fork once more.</summary>
    public int ForkAgain;
    /// <summary>The child waits for the parent (id maps, cgroup) before going on. Without a user namespace or a
    /// second fork it need not: it runs its program while the parent joins it to the cgroup, and the program asks
    /// for the cgroup namespace itself once the parent confirms the join.</summary>
    public int WaitForGo;

    public int SyncFd;
    public int ParentSyncFd;

    public int JoinCount;
    public fixed int JoinFds[MaxFds];
    public fixed long JoinTypes[MaxFds];

    /// <summary>Every descriptor the zone holds on to until execve (sync, joins, the program's inputs), in
    /// ascending order; with <see cref="CloseFrom"/> it tells the zone what to close before it joins anything.</summary>
    public int RetainCount;
    public fixed int Retain[MaxRetain];
    /// <summary>The first descriptor that may be closed: 0-2 and the preserved ones (--preserve-fds) lie below.</summary>
    public int CloseFrom;
    /// <summary>The parent writes uid/gid maps at the handshake: /proc/[pid]/uid_map of a non-dumpable process is
    /// root's, which an unprivileged parent (or newuidmap acting for it) may not open. Dumpable for that moment only,
    /// as runc's nsexec does, and only in a fresh user namespace where no container process can see the zone.</summary>
    public int DumpableForMaps;

    public byte* TimeOffsets;
    public int TimeOffsetsLength;
    /// <summary>A verified procfs root (close-on-exec, retained until the zone closes it) beneath which the zone
    /// opens its own timens_offsets, never by the path /proc/self; -1 without time offsets.</summary>
    public int ProcFd;

    /// <summary>The setup program the zone runs to its end (the user's execve).</summary>
    public Setup.ZoneState* Program;

    /// <summary>Scratch space for messages to the parent: kind, a, b, c.</summary>
    public fixed int Message[4];
}

/// <summary>What the zone tells the parent over the sync socket (fixed 16-byte messages).</summary>
internal enum ZoneMessage
{
    /// <summary>The child has joined/unshared its user namespace and waits for maps and cgroup placement.</summary>
    Hello = 1,
    /// <summary>Parent to child: maps written, cgroup joined, go on.</summary>
    Go = 2,
    /// <summary>The pid (in the parent's pid namespace) of the process that becomes the container.</summary>
    ChildPid = 3,
    /// <summary>A step failed: a = step (or the program's operation index), b = errno, c = detail.</summary>
    Failed = 4,
    /// <summary>Program requests (a = operation index); the parent answers Done or ParentFailed. SyncProtocol.cs.</summary>
    Hooks = 5, Limits = 6, CgroupJoined = 7, SeccompFd = 8,
    /// <summary>The program's setup is done: a = number of marks, payload = the marks (ns, CLOCK_MONOTONIC).</summary>
    Ready = 9,
    /// <summary>Parent to zone: the request is done (payload: its answer); or the parent failed and reports it.</summary>
    Done = 10, ParentFailed = 11,
    /// <summary>An operation of the program failed: a = its index, b = errno, c = the routine's detail.</summary>
    OpFailed = 12,
}

/// <summary>Which step of the zone failed; the parent turns it into words.</summary>
internal enum ZoneStep
{
    Setns = 1, UnshareUser = 2, Handshake = 3, SetResGid = 4, SetResUid = 5, Unshare = 6,
    TimeOffsets = 7, ForkAgain = 8, NonDumpable = 11, CloseFds = 12,
}
