using OciRuntime.Interop;
using OciRuntime.Security;

namespace OciRuntime.Launch;

/// <summary>One namespace of the container: created fresh (Path null) or joined through an open fd.</summary>
internal readonly record struct NamespaceRequest(ulong CloneFlag, string? Path);

/// <summary>
/// Lays out a <see cref="ZonePlan"/> in unmanaged memory. Owns that memory and the namespace fds it opened.
/// </summary>
internal sealed unsafe class ZonePlanBuilder : IDisposable
{
    private readonly NativeArena _arena = new();
    private readonly List<int> _openedFds = [];
    public ZonePlan* Plan { get; }

    /// <summary>The fast path leaves the cgroup namespace to the program (see <see cref="ZonePlan.WaitForGo"/>).</summary>
    public bool InitUnsharesCgroup { get; private set; }

    public ZonePlanBuilder()
    {
        Plan = (ZonePlan*)Alloc(sizeof(ZonePlan));
        Plan->ProcFd = -1;
    }

    /// <summary>
    /// Decides how namespaces are made. Without joins and without a time namespace, clone creates all of them
    /// at once (one fork). Otherwise the child joins first, unshares the user namespace (the maps come from the
    /// parent), unshares the rest, and forks again if a pid or time namespace must apply to it.
    /// </summary>
    public void SetNamespaces(IReadOnlyList<NamespaceRequest> requests)
    {
        ulong fresh = 0;
        var joins = new List<NamespaceRequest>();
        foreach (var r in requests)
        {
            if (r.Path is null) fresh |= r.CloneFlag;
            else joins.Add(r);
        }
        // The user namespace is joined first: it decides what we may do in the others.
        joins.Sort((a, b) => (b.CloneFlag == Sys.CLONE_NEWUSER).CompareTo(a.CloneFlag == Sys.CLONE_NEWUSER));
        if (joins.Count > ZonePlan.MaxFds) throw new InvalidOperationException("too many namespaces to join");

        ulong joinedFlags = 0;
        for (int i = 0; i < joins.Count; i++)
        {
            long fd = Sys.TryOpenAt(Sys.AT_FDCWD, joins[i].Path!, Sys.O_RDONLY);
            if (fd < 0) throw new SyscallException($"open namespace {joins[i].Path}", (int)-fd);
            _openedFds.Add((int)fd);
            Plan->JoinFds[i] = (int)fd;
            Plan->JoinTypes[i] = (long)joins[i].CloneFlag;
            joinedFlags |= joins[i].CloneFlag;
        }
        Plan->JoinCount = joins.Count;

        bool time = ((fresh | joinedFlags) & Sys.CLONE_NEWTIME) != 0;
        if (joins.Count == 0 && !time)
        {
            // The cgroup namespace must wait until the process is in the container's cgroup (its root is taken
            // from there): the program unshares it once the parent confirms the join.
            Plan->CloneFlags = fresh & ~Sys.CLONE_NEWCGROUP;
            InitUnsharesCgroup = (fresh & Sys.CLONE_NEWCGROUP) != 0;
            Plan->WaitForGo = (fresh & Sys.CLONE_NEWUSER) != 0 ? 1 : 0;
        }
        else
        {
            Plan->UnshareUserFirst = (fresh & Sys.CLONE_NEWUSER) != 0 ? 1 : 0;
            Plan->UnshareFlags = fresh & ~Sys.CLONE_NEWUSER;
            Plan->ForkAgain = ((fresh | joinedFlags) & (Sys.CLONE_NEWPID | Sys.CLONE_NEWTIME)) != 0 ? 1 : 0;
            Plan->WaitForGo = 1;
        }
        Plan->BecomeRoot = ((fresh | joinedFlags) & Sys.CLONE_NEWUSER) != 0 ? 1 : 0;
        Plan->DumpableForMaps = (fresh & Sys.CLONE_NEWUSER) != 0 && Plan->WaitForGo != 0 ? 1 : 0;
    }

    /// <summary>The offsets the zone writes to its time namespace, and the verified procfs it writes them beneath
    /// (a duplicate at or above <paramref name="fdFloor"/>, clear of stdio and the preserved descriptors).</summary>
    public void SetTimeOffsets(string? offsets, int fdFloor = 3)
    {
        if (string.IsNullOrEmpty(offsets)) return;
        byte[] bytes = CString.Of(offsets);
        Plan->TimeOffsets = CopyBytes(bytes);
        Plan->TimeOffsetsLength = bytes.Length - 1;
        // A procfs of the parent's pid namespace, which is the zone's: "thread-self" read from it names the zone.
        using var proc = ProcHandle.Open();
        int fd = proc.Duplicate(fdFloor);
        _openedFds.Add(fd);
        Plan->ProcFd = fd;
    }

    public void SetSync(int childEnd, int parentEnd)
    {
        Plan->SyncFd = childEnd;
        Plan->ParentSyncFd = parentEnd;
    }

    /// <summary>Lists, in ascending order, the descriptors the zone keeps until execve; it closes every other one
    /// from <paramref name="closeFrom"/> up (those below are stdio and --preserve-fds). Call after the others.</summary>
    public void RetainOnly(int closeFrom)
    {
        var keep = new SortedSet<int> { Plan->SyncFd, Plan->ProcFd };
        for (int i = 0; i < Plan->JoinCount; i++) keep.Add(Plan->JoinFds[i]);
        if (Plan->Program != null) foreach (int fd in _programFds) keep.Add(fd);
        keep.RemoveWhere(fd => fd < 0);
        if (keep.Count > ZonePlan.MaxRetain) throw new InvalidOperationException("too many descriptors for the zone");
        int n = 0;
        foreach (int fd in keep) Plan->Retain[n++] = fd;
        Plan->RetainCount = n;
        Plan->CloseFrom = closeFrom;
    }

    private readonly List<int> _programFds = [];

    /// <summary>The program the zone runs; its input descriptors stay open.</summary>
    public void SetProgram(Setup.SetupProgram program)
    {
        Plan->Program = program.Seal(Plan->SyncFd);
        _programFds.AddRange(program.InputFds);
    }

    private byte* CopyBytes(byte[] bytes) => _arena.Bytes(bytes);

    private void* Alloc(int size) => _arena.Alloc(size);

    public void Dispose()
    {
        foreach (var fd in _openedFds) Sys.Close(fd);
        _openedFds.Clear();
        _arena.Dispose();
    }
}
