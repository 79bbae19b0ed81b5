using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.Rootfs;
using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// mounts[] in config order. Each destination is resolved once inside the root
/// (a zone routine: openat2 RESOLVE_IN_ROOT, missing parts made under their parent's fd), checked against the /proc
/// rules where it really lies, and every mount is made detached (open_tree, or fsopen/fsconfig/fsmount) and
/// attached onto that fd with move_mount, verified. Later steps (bind flags, recursive attributes, propagation,
/// tmpcopyup's copy) use the mount's own fd. What depends on the host (a bind source, the cgroup layout, whether
/// the container has a cgroup of its own) is decided here.
/// </summary>
internal sealed unsafe class MountEntryCompiler
{
    private readonly SetupContext _c;
    private readonly SetupProgram _p;
    private readonly int _root;
    private CgroupLayout? _layout;
    private Arg? _allowList;
    private string? _label;

    /// <param name="rootSlot">The rootfs fd to resolve under; the context's RootSlot when -1.</param>
    internal MountEntryCompiler(SetupContext c, int rootSlot = -1)
    {
        _c = c;
        _p = c.P;
        _root = rootSlot >= 0 ? rootSlot : c.RootSlot;
        if (_root < 0) throw new InvalidOperationException("mounts compiled before the rootfs is open");
    }

    /// <summary>The host's cgroup mounts: the CLI's when it handed them over, else read once, only for a cgroup mount.</summary>
    internal CgroupLayout Layout { get => _layout ??= _c.CgroupLayout ?? CgroupLayout.Detect(); init => _layout = value; }

    internal void CompileAll(IReadOnlyList<Mount> mounts)
    {
        // runc ignores mountLabel without SELinux; so do we.
        _label = !string.IsNullOrEmpty(_c.Linux.MountLabel) && (_c.SeLinuxEnabled ?? SeLinux.Enabled) ? _c.Linux.MountLabel : null;
        if (_c.ProcSlot < 0) throw new InvalidOperationException("mounts compiled before the procfs is open");
        var idmapFds = _c.Plan.IdMapMountFds;
        for (int i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            var e = new Entry(i, m, MountOptionParser.Parse(m.Options));
            int idmapFd = idmapFds is not null && i < idmapFds.Length ? idmapFds[i] : -1;
            // A bind borrowing the container's user namespace for its idmap, without one: validation's refusal
            // (MountRules), in its words (with a user namespace the parent made the tree: idmapFd).
            if (idmapFd < 0 && e.IsBind && e.WantsIdMap && m.UidMappings is not { Count: > 0 })
                throw new RuntimeError($"mounts[{i}].options: idmap needs uidMappings/gidMappings or a user namespace");
            try { Compile(e, idmapFd); }
            catch (RuntimeError err) { throw new RuntimeError($"mounts[{i}] ({m.Destination}): {err.Message}"); }
        }
    }

    private sealed record Entry(int Index, Mount M, ParsedMountOptions Opts)
    {
        public string Type => M.Type ?? "";
        public string Dest => M.Destination;
        /// <summary>Field for the mount's own steps (the one-line error: mounts[3] (/data): ...).</summary>
        public string Field { get; } = $"mounts[{Index}] ({M.Destination})"; // once: every operation of the mount names it
        /// <summary>Field for resolving the destination and the rules on where it lies.</summary>
        public string DestField => $"mounts[{Index}].destination \"{M.Destination}\"";
        public bool WantsIdMap => Opts.IdMap || Opts.RecursiveIdMap || M.UidMappings is { Count: > 0 };
        public bool IsBind => Type is not ("cgroup" or "cgroup2") && (Opts.IsBind || Type == "bind");
    }

    private void Compile(Entry e, int idmapFd)
    {
        var opts = e.Opts;
        if (e.Type is "cgroup" or "cgroup2") { Cgroup(e); return; }
        if (opts.IsBind || e.Type == "bind") { Bind(e, idmapFd); return; }
        if (e.WantsIdMap) throw new RuntimeError($"idmapped mounts are only supported for bind mounts, not type {e.Type}");
        if ((opts.Flags & Sys.MS_REMOUNT) != 0) { Remount(e); return; }

        // A tmpfs without mode= over a directory the image has takes that directory's mode (as runc does).
        int existed = -1;
        if (e.Type == "tmpfs" && !HasMode(opts.Data))
        {
            existed = _p.Slot($"mounts[{e.Index}] existed", 0);
            _p.Routine(MountRoutines.Exists, e.DestField, "look for the destination", Arg.Slot(_root), _p.StrArg(Rel(e.Dest))).Into(existed);
        }
        // proc and sysfs go where the destination says, through directories only.
        int target = e.Type is "proc" or "sysfs" ? ResolveOrdinary(e) : Resolve(e, asFile: false);
        CheckProc(e, target, mayBeProc: e.Type == "proc");
        ulong flags = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC);
        string source = e.M.Source ?? e.Type;
        string? data = SeLinux.WithLabel(e.Type, opts.Data, _label);
        int tree;
        if (opts.TmpCopyUp && e.Type == "tmpfs")
        {
            // Filled while detached and writable; read-only (if asked) once attached.
            tree = NewFilesystem(e.Field, "tmpfs", source, flags & ~Sys.MS_RDONLY, data, target, existed);
            _p.Routine(MountRoutines.CopyUp, e.Field, "tmpcopyup", Arg.Slot(target), Arg.Slot(tree)).Words(MountRoutines.CopyUpWords);
            Attach(e.Field, tree, target, $"tmpfs on {e.Dest}");
            if ((flags & Sys.MS_RDONLY) != 0)
                SetAttr(e.Field, "remount the tmpfs read-only", tree, false, Sys.MOUNT_ATTR_RDONLY, 0, 0);
        }
        else
        {
            tree = NewFilesystem(e.Field, e.Type, source, flags, data, target, existed, (opts.Data, e.Type == "mqueue" && data != opts.Data));
            Attach(e.Field, tree, target, $"{e.Type} on {e.Dest}");
        }
        ApplyToMount(e, tree);
        Close(e.Field, tree);
        Close(e.Field, target);
    }

    /// <summary>"remount": the flags of what an earlier mount put there change (runc passes it straight to
    /// mount(2)), through the destination's fd, which resolved through that mount and so is its root.</summary>
    private void Remount(Entry e)
    {
        int target = e.Type is "proc" or "sysfs" ? ResolveOrdinary(e) : Resolve(e, asFile: false);
        CheckProc(e, target, mayBeProc: e.Type == "proc");
        ulong flags = e.Opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC);
        Arg data = SeLinux.WithLabel(e.Type, e.Opts.Data, _label) is { } d ? _p.StrArg(d) : 0;
        _p.Routine(MountRoutines.Remount, e.Field, $"remount {e.Dest}", Arg.Slot(target), (long)flags, data);
        ApplyToMount(e, target);
        Close(e.Field, target);
    }

    private bool JoinedMountNs => SpecNamespaces.Find(_c.Spec, NamespaceKind.Mount) is { Path.Length: > 0 };

    private void Bind(Entry e, int idmapFd)
    {
        string source = e.M.Source ?? throw new RuntimeError("bind mount needs a source");
        if (!source.StartsWith('/')) source = Path.Join(_c.Plan.Bundle, source);
        int target;
        string rootfs = _c.Plan.Rootfs.TrimEnd('/');
        if (source == rootfs || source.StartsWith(rootfs + "/", StringComparison.Ordinal) || JoinedMountNs)
        {
            // Inside the rootfs, earlier mounts may have made or covered the source, and a joined mount namespace
            // shows its own tree, not the runtime's: it is looked at in the zone.
            int isFile = _p.Slot($"mounts[{e.Index}] source is a file"), isProc = _p.Slot($"mounts[{e.Index}] source is procfs");
            var src = _p.StrArg(source);
            _p.Routine(MountRoutines.SourceKind, e.Field, $"source {source}", src, 0).Into(isFile).Words(MountRoutines.SourceWords);
            _p.Routine(MountRoutines.SourceKind, e.Field, $"source {source}", src, 1).Into(isProc).Words(MountRoutines.SourceWords);
            target = Resolve(e, Arg.Slot(isFile));
            CheckProc(e, target, Arg.Slot(isProc));
        }
        else
        {
            bool isDir = Directory.Exists(source);
            if (!isDir && !File.Exists(source)) throw new RuntimeError($"source {source}: no such file or directory");
            target = Resolve(e, asFile: !isDir);
            CheckProc(e, target, mayBeProc: IsProcfs(source));
        }
        bool recursive = e.Opts.IsRecursiveBind || (e.Opts.Flags & Sys.MS_REC) != 0;
        int tree;
        if (idmapFd >= 0) tree = _p.InputFd($"mounts[{e.Index}] idmapped tree", idmapFd);
        else
        {
            tree = _p.Slot($"mounts[{e.Index}] tree");
            _p.Syscall(e.Field, $"open_tree {source}", Nr.open_tree, Sys.AT_FDCWD, _p.StrArg(source),
                Sys.OPEN_TREE_CLONE | Sys.O_CLOEXEC | (recursive || e.Opts.RecursiveIdMap ? Sys.AT_RECURSIVE : 0)).Into(tree);
            if (e.WantsIdMap)
            {
                // No user namespace of the container's: the parent made none (IdMapped.PrepareInParent), so the zone,
                // in the host's, makes one with the mount's mappings (IdMapRoutine).
                var uids = e.M.UidMappings!;
                var gids = e.M.GidMappings ?? uids;
                _p.Routine(MountRoutines.IdMap, e.Field, $"idmap {source}", Arg.Slot(_c.ProcSlot), Arg.Slot(tree),
                    _p.StrArg(IdMapWriter.Format(uids)), _p.StrArg(IdMapWriter.Format(gids)), e.Opts.RecursiveIdMap ? 1 : 0)
                    .Words((errno, d) => IdMapRoutine.Words(source, errno, d));
            }
        }
        Attach(e.Field, tree, target, source);
        // MS_BIND ignores the other flags: they go on the bind through its fd, keeping what the kernel locked.
        var (set, clear) = BindAttributes(e.Opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT), e.Opts.Cleared);
        if (set != 0 || clear != 0) SetAttr(e.Field, "remount the bind with its flags", tree, false, set, clear, 0);
        ApplyToMount(e, tree);
        Close(e.Field, tree);
        Close(e.Field, target);
    }

    /// <summary>A bind's own flags as mount_setattr attributes: set and clear, the atime mode being one field
    /// (cleared whole when any atime option is given; "atime" alone means relatime, the kernel's default).</summary>
    internal static (ulong Set, ulong Clear) BindAttributes(ulong extra, ulong cleared)
    {
        const ulong atimeFlags = Sys.MS_NOATIME | Sys.MS_STRICTATIME | Sys.MS_RELATIME;
        ulong set = FsData.MountAttributes(extra);
        ulong clear = FsData.MountAttributes(cleared & ~atimeFlags);
        if (((extra | cleared) & atimeFlags) != 0) clear |= Sys.MOUNT_ATTR__ATIME;
        return (set, clear);
    }

    /// <summary>CgroupMount: one cgroup2 mount on a v2 host; on v1 and hybrid hosts a tmpfs holding one mount per
    /// hierarchy. Fresh cgroup mounts in a cgroup namespace, binds of the container's own directories without one,
    /// an empty read-only tmpfs where the container has no cgroup of its own.</summary>
    private void Cgroup(Entry e)
    {
        ulong flags = e.Opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT);
        int target = Resolve(e, asFile: false);
        CheckProc(e, target, mayBeProc: false);
        if (Layout.Mode == CgroupMode.Unified || e.Type == "cgroup2")
        {
            var v2 = Layout.V2 ?? throw new RuntimeError("no cgroup2 hierarchy on this host");
            Hierarchy(e, target, e.Dest, v2, flags);
            Close(e.Field, target);
            return;
        }
        int tmpfs = NewFilesystem(e.Field, "tmpfs", "tmpfs", flags & ~Sys.MS_RDONLY, "mode=755");
        Attach(e.Field, tmpfs, target, $"tmpfs on {e.Dest}");
        // The tmpfs is ours alone (fresh, in our mount namespace): its directories are made through its fd.
        foreach (var h in Layout.Hierarchies)
        {
            string name = Path.GetFileName(h.MountPoint);
            string at = $"{e.Dest}/{name}";
            _p.Syscall(e.Field, $"mkdir {at}", Nr.mkdirat, Arg.Slot(tmpfs), _p.StrArg(name), 0b111_101_101).Tolerate(Errno.EEXIST);
            int sub = _p.Slot($"mounts[{e.Index}] {name}");
            _p.Syscall(e.Field, $"open {at}", Nr.openat, Arg.Slot(tmpfs), _p.StrArg(name),
                Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC).Into(sub);
            Hierarchy(e, sub, at, h, flags);
            Close(e.Field, sub);
            // Co-mounted controllers (cpu,cpuacct) get a symlink per controller, as on the host.
            if (h.Controllers.Count > 1)
                foreach (var ctl in h.Controllers.Where(x => x != name && !x.StartsWith("name=", StringComparison.Ordinal)))
                    _p.Syscall(e.Field, $"symlink {e.Dest}/{ctl}", Nr.symlinkat, _p.StrArg(name), Arg.Slot(tmpfs), _p.StrArg(ctl)).Tolerate(Errno.EEXIST);
        }
        if ((flags & Sys.MS_RDONLY) != 0) SetAttr(e.Field, $"remount the tmpfs on {e.Dest} read-only", tmpfs, false, FsData.MountAttributes(flags), 0, 0);
        Close(e.Field, tmpfs);
        Close(e.Field, target);
    }

    private void Hierarchy(Entry e, int target, string dest, CgroupHierarchy h, ulong flags)
    {
        string own = CgroupPaths.PathIn(_c.Plan.CgroupPath, h);
        string source = Path.Join(h.MountPoint, own);
        // Under --systemd-cgroup the scope is made after this program (systemd needs init's pid), before init mounts.
        bool madeLater = SystemdCgroupPath.FromRecorded(_c.Plan.CgroupPath) is not null;
        if (own.Trim('/').Length == 0 || (!madeLater && !Directory.Exists(source)))
        {
            // No cgroup of its own here (rootless without delegation): masked, as runc masks it.
            int mask = NewFilesystem(e.Field, "tmpfs", "tmpfs", Sys.MS_RDONLY | Sys.MS_NOSUID | Sys.MS_NODEV | Sys.MS_NOEXEC, "mode=555");
            Attach(e.Field, mask, target, $"empty tmpfs masking {dest}");
            Close(e.Field, mask);
            return;
        }
        if (Namespaces.Has(_c.Spec, NamespaceKind.Cgroup))
        {
            string fsType = h.IsV2 ? "cgroup2" : "cgroup";
            int fresh = NewFilesystem(e.Field, fsType, fsType, flags, h.IsV2 ? null : string.Join(',', h.Controllers));
            Attach(e.Field, fresh, target, $"{fsType} on {dest}");
            Close(e.Field, fresh);
            return;
        }
        int tree = _p.Slot($"mounts[{e.Index}] {dest}");
        _p.Syscall(e.Field, $"open_tree {source}", Nr.open_tree, Sys.AT_FDCWD, _p.StrArg(source),
            Sys.OPEN_TREE_CLONE | Sys.O_CLOEXEC | Sys.AT_RECURSIVE).Into(tree);
        Attach(e.Field, tree, target, $"{source} on {dest}");
        ulong attrs = FsData.MountAttributes(flags);
        if (attrs != 0) SetAttr(e.Field, $"remount {dest} with its flags", tree, false, attrs, 0, 0);
        Close(e.Field, tree);
    }

    /// <summary>A detached new filesystem (fsopen, fsconfig, fsmount): mount(2)'s flags become
    /// superblock flags and mount attributes, the data string one fsconfig per option. With
    /// <paramref name="existedSlot"/> set at run time, the mode of the directory under it is added. With
    /// <paramref name="unlabelled"/> (an mqueue given the mount label, which it may not take: the
    /// fallback), a failure up to the creation is an answer, and the filesystem is made again from that data.</summary>
    private int NewFilesystem(string field, string type, string source, ulong msFlags, string? data, int dirSlot = -1, int existedSlot = -1,
        (string? Data, bool Use) unlabelled = default)
    {
        int fs = _p.Slot($"fs {type}"), tree = _p.Slot($"mount {type}");
        int failed = unlabelled.Use ? _p.Slot($"fs {type} refused the label", 0) : -1;
        Configure(field, type, source, msFlags, data, fs, guard: failed);
        if (existedSlot >= 0 && dirSlot >= 0)
        {
            var mode = Arg.Ptr(_p.Buffer(16), "mode");
            _p.Routine(MountRoutines.ModeOf, field, "stat the directory under the tmpfs", Arg.Slot(dirSlot), mode).When(existedSlot);
            _p.Syscall(field, $"fsconfig {type} mode (the directory's)", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_SET_STRING, _p.StrArg("mode"), mode, 0).When(existedSlot);
        }
        Guarded(Create(field, type, data, fs), failed, -1);
        if (failed >= 0)
        {
            _p.Syscall(field, "close", Nr.close, Arg.Slot(fs)).When(failed);
            Configure(field, type, source, msFlags, unlabelled.Data, fs, onlyIf: failed);
            Create(field, type, unlabelled.Data, fs).When(failed);
        }
        _p.Syscall(field, $"fsmount {type}", Nr.fsmount, Arg.Slot(fs), Sys.FSMOUNT_CLOEXEC, (long)FsData.MountAttributes(msFlags)).Into(tree);
        Close(field, fs);
        return tree;
    }

    private static readonly int[] AnyErrno = [.. Enumerable.Range(1, 63)];

    /// <summary>fsopen and fsconfig of the source, flags and data. <paramref name="guard"/>: each runs while the
    /// slot is 0 and a failure goes into it; <paramref name="onlyIf"/>: each runs only if that slot is set.</summary>
    private void Configure(string field, string type, string source, ulong msFlags, string? data, int fs, int guard = -1, int onlyIf = -1)
    {
        var open = _p.Syscall(field, $"fsopen {type}", Nr.fsopen, _p.StrArg(type), Sys.FSOPEN_CLOEXEC).Into(fs);
        if (onlyIf >= 0) open.When(onlyIf);
        if (!string.IsNullOrEmpty(source))
            Guarded(_p.Syscall(field, $"fsconfig {type} source={source}", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_SET_STRING, _p.StrArg("source"), _p.StrArg(source), 0), guard, onlyIf);
        foreach (var flag in FsData.SuperblockFlags(msFlags))
            Guarded(_p.Syscall(field, $"fsconfig {type} {flag}", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_SET_FLAG, _p.StrArg(flag), 0, 0), guard, onlyIf);
        foreach (var (key, value) in FsData.Split(data))
        {
            var op = value is null
                ? _p.Syscall(field, $"fsconfig {type} {key}", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_SET_FLAG, _p.StrArg(key), 0, 0)
                : _p.Syscall(field, $"fsconfig {type} {key}={value}", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_SET_STRING, _p.StrArg(key), _p.StrArg(value), 0);
            Guarded(op, guard, onlyIf);
        }
    }

    private OpRef Create(string field, string type, string? data, int fs) =>
        _p.Syscall(field, $"create a {type} filesystem{(string.IsNullOrEmpty(data) ? "" : " with " + data)}", Nr.fsconfig, Arg.Slot(fs), Sys.FSCONFIG_CMD_CREATE, 0, 0, 0);

    private static void Guarded(OpRef op, int guard, int onlyIf)
    {
        if (guard >= 0) op.Unless(guard).Tolerate(AnyErrno).Into(guard);
        else if (onlyIf >= 0) op.When(onlyIf);
    }

    private int Resolve(Entry e, bool asFile) => Resolve(e, asFile ? 1 : 0);

    private int Resolve(Entry e, Arg asFile)
    {
        int s = _p.Slot($"mounts[{e.Index}] destination");
        _p.Routine(MountRoutines.Resolve, e.DestField, "resolve in the rootfs", Arg.Slot(_root), _p.StrArg(Rel(e.Dest)), asFile, 0b111_101_101)
            .Into(s).Words(MountRoutines.ResolveWords);
        return s;
    }

    private int ResolveOrdinary(Entry e)
    {
        string[] parts = LexicalPath.Clean(e.Dest).Split('/', StringSplitOptions.RemoveEmptyEntries);
        string type = e.Type, dest = e.Dest;
        int s = _p.Slot($"mounts[{e.Index}] destination");
        _p.Routine(MountRoutines.ResolveOrdinary, e.DestField, "resolve in the rootfs", Arg.Slot(_root), _p.StrArg(parts.Length == 0 ? "." : string.Join('/', parts)))
            .Into(s).Words((errno, d) => OrdinaryWords(type, dest, parts, errno, d));
        return s;
    }

    internal static string OrdinaryWords(string type, string dest, string[] parts, int errno, int detail)
    {
        string Part(int k) => k >= 1 && k <= parts.Length ? parts[k - 1] : "?";
        return detail switch
        {
            > MountRoutines.OpenFailed => $"open {Part(detail - MountRoutines.OpenFailed)} of {dest} in rootfs: {SyscallException.Describe(errno)}",
            > MountRoutines.CreateFailed => $"create {Part(detail - MountRoutines.CreateFailed)} of {dest} in rootfs: {SyscallException.Describe(errno)}",
            > 0 => $"filesystem \"{type}\" must be mounted on ordinary directory ({Part(detail)} is a symlink or not a directory)",
            _ => SyscallException.Describe(errno),
        };
    }

    /// <summary>runc's checkProcMount, in the zone on where the destination fd really lies.</summary>
    private void CheckProc(Entry e, int target, bool mayBeProc) => CheckProc(e, target, mayBeProc ? 1 : 0);

    private void CheckProc(Entry e, int target, Arg mayBeProc)
    {
        _allowList ??= Arg.Ptr(_p.Bytes(MountRoutines.AllowList(ProcMountRules.Allowed)), "proc-allow-list");
        _p.Routine(MountRoutines.CheckProc, e.DestField, "check where it lies", Arg.Slot(_c.ProcSlot), Arg.Slot(_root), Arg.Slot(target), mayBeProc, _allowList.Value)
            .Words(MountRoutines.CheckProcWords);
    }

    private void Attach(string field, int tree, int target, string what) =>
        _p.Routine(MountRoutines.Attach, field, $"attach {what}", Arg.Slot(tree), Arg.Slot(target)).Words(MountRoutines.AttachWords);

    /// <summary>What every mount takes after it is attached, through its own fd: recursive attributes, then propagation.</summary>
    private void ApplyToMount(Entry e, int mount)
    {
        if (e.Opts.RecursiveSet != 0 || e.Opts.RecursiveClear != 0)
            SetAttr(e.Field, $"mount_setattr {e.Dest}", mount, true, e.Opts.RecursiveSet, e.Opts.RecursiveClear, 0);
        foreach (var prop in e.Opts.Propagation)
            SetAttr(e.Field, $"set propagation 0x{prop:x} on {e.Dest}", mount, (prop & Sys.MS_REC) != 0, 0, 0, prop & ~Sys.MS_REC);
    }

    private void SetAttr(string field, string step, int mount, bool recursive, ulong set, ulong clear, ulong propagation) =>
        _p.Syscall(field, step, Nr.mount_setattr, Arg.Slot(mount), _p.StrArg(""), Sys.AT_EMPTY_PATH | (recursive ? Sys.AT_RECURSIVE : 0),
            MountCompiler.Attr(_p, set, clear, propagation), KernelMountAttr.Size);

    private void Close(string field, int slot) => _p.Syscall(field, "close", Nr.close, Arg.Slot(slot)).Tolerate(Errno.EBADF);

    private static bool IsProcfs(string source)
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, source, Sys.O_PATH);
        if (fd < 0) return false;
        try { return Sys.TryFsType((int)fd) == Sys.PROC_SUPER_MAGIC; }
        finally { Sys.Close((int)fd); }
    }

    private static bool HasMode(string? data) =>
        data is not null && data.Split(',').Any(o => o.StartsWith("mode=", StringComparison.Ordinal));

    /// <summary>Destinations are taken relative to the root, as runc does for relative ones.</summary>
    internal static string Rel(string path)
    {
        string rel = path.TrimStart('/');
        return rel.Length == 0 ? "." : rel;
    }
}
