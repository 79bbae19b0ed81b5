using OciRuntime.Interop;
using OciRuntime.Rootfs;
using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Compiles the mount family's part of the setup program (see SetupCompiler for the order): the root's
/// propagation and its bind onto itself (RootPreparation), mounts[] in config order (MountEntryCompiler), the
/// switch of root (PivotRoot), and the read-only root and rootfsPropagation once it is "/".
/// </summary>
internal static class MountCompiler
{
    internal const int OpenDirFlags = Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC;

    /// <summary>The root's preparation: the host's mounts stop propagating into ours per rootfsPropagation
    /// (rslave by default), the parent mount of the rootfs is made private when it would still be shared (decided
    /// here, from the mount table as it will be; in a joined mount namespace, whose table is not the runtime's, by
    /// the zone after the join), and the rootfs becomes a mount point of its own.</summary>
    internal static void PrepareRoot(SetupContext c)
    {
        bool joined = SpecNamespaces.Find(c.Spec, NamespaceKind.Mount) is { Path.Length: > 0 };
        var p = c.P;
        // --debug's phases: what came before (the cgroup join, the procfs) apart from the root's own cost.
        p.Mark("before-root");
        string rootfs = c.Plan.Rootfs;
        ulong propagation = RootPropagation(c.Linux.RootfsPropagation);
        p.Syscall("linux.rootfsPropagation", $"mount / with propagation 0x{propagation:x}", Nr.mount, 0, p.StrArg("/"), 0, (long)propagation, 0);
        if (joined)
            p.Routine(MountRoutines.PrivateRootParent, $"root.path {rootfs}", "make the mount holding the rootfs private if shared (pivot_root refuses a shared parent)",
                p.StrArg(rootfs)).Words(RootParentRoutine.Words);
        else if (ParentToMakePrivate(rootfs, propagation, c.UserNs, () => File.ReadLines("/proc/self/mountinfo")) is { } parent)
            p.Syscall($"root.path {rootfs}", $"make {parent} private (pivot_root refuses a shared parent)", Nr.mount, 0, p.StrArg(parent), 0, (long)Sys.MS_PRIVATE, 0);
        var path = p.StrArg(rootfs);
        p.Syscall($"root.path {rootfs}", "bind the rootfs onto itself", Nr.mount, path, path, p.StrArg("bind"), (long)(Sys.MS_BIND | Sys.MS_REC), 0);
        c.RootSlot = p.Slot("rootfs");
        p.Syscall($"root.path {rootfs}", "open rootfs", Nr.openat, Sys.AT_FDCWD, path, OpenDirFlags).Into(c.RootSlot);
    }

    /// <summary>The propagation for "/" before any mount: rootfsPropagation, rslave by default; an unbindable one
    /// is private until pivot_root (an unbindable "/" could not give the rootfs its bind onto itself).</summary>
    internal static ulong RootPropagation(string? rootfsPropagation)
    {
        ulong propagation = Sys.MS_SLAVE | Sys.MS_REC;
        if (!string.IsNullOrEmpty(rootfsPropagation) && !MountOptionTable.Propagation.TryGetValue(rootfsPropagation, out propagation))
            throw new RuntimeError($"linux.rootfsPropagation: unknown value \"{rootfsPropagation}\"");
        if ((propagation & Sys.MS_UNBINDABLE) != 0) propagation = Sys.MS_PRIVATE | (propagation & Sys.MS_REC);
        return propagation;
    }

    /// <summary>
    /// The mount point holding the rootfs when it will still be shared after "/" takes <paramref name="propagation"/>
    /// in the container's new mount namespace (pivot_root refuses a shared parent); null otherwise. A recursive
    /// change decides for every mount, so the mount table is read only for a shared one or a change of "/" alone;
    /// a mount namespace made in a new user namespace starts with every shared mount turned slave.
    /// </summary>
    internal static string? ParentToMakePrivate(string rootfs, ulong propagation, bool userNs, Func<IEnumerable<string>> mountinfo)
    {
        bool recursive = (propagation & Sys.MS_REC) != 0, shared = (propagation & Sys.MS_SHARED) != 0;
        if (recursive && !shared) return null;
        var (best, bestShared) = RootPreparation.HolderOf(rootfs, mountinfo());
        if (best is null) return null;
        bool sharedAfter = recursive || best == "/" ? shared : bestShared && !userNs;
        return sharedAfter ? best : null;
    }

    internal static void Mounts(SetupContext c)
    {
        var mounts = c.Spec.Mounts ?? [];
        if (mounts.Count == 0) return;
        new MountEntryCompiler(c).CompileAll(mounts);
    }

    /// <summary>No mount namespace: the container's mounts are made in the runtime's (config-linux.md), under the
    /// rootfs; the parent listed them for delete (HostMounts).</summary>
    internal static void MountsWithoutNamespace(SetupContext c)
    {
        var mounts = c.Spec.Mounts ?? [];
        if (mounts.Count == 0) return;
        var p = c.P;
        int root = p.Slot("rootfs");
        p.Syscall("", $"open rootfs {c.Plan.Rootfs}", Nr.openat, Sys.AT_FDCWD, p.StrArg(c.Plan.Rootfs), OpenDirFlags).Into(root);
        new MountEntryCompiler(c, root).CompileAll(mounts);
        p.Syscall("", "close rootfs", Nr.close, Arg.Slot(root));
    }

    /// <summary>PivotRoot: pivot_root(".", ".") from the rootfs by fd, then the old root detached; --no-pivot moves
    /// the rootfs over "/" and chroots; without a mount namespace only a chroot is possible, and the host's /proc
    /// is kept (from before it) for the exec FIFO.</summary>
    internal static void Root(SetupContext c)
    {
        var p = c.P;
        string rootfs = c.Plan.Rootfs;
        string field = $"root.path {rootfs}";
        var path = p.StrArg(rootfs);
        var slash = p.StrArg("/");
        if (!c.MountNs)
        {
            c.HostProcSlot = p.Slot("host-proc");
            p.Syscall("", "open the host's /proc", Nr.openat, Sys.AT_FDCWD, p.StrArg("/proc"), OpenDirFlags).Into(c.HostProcSlot);
            p.Syscall(field, "chdir rootfs", Nr.chdir, path);
            p.Syscall(field, "chroot", Nr.chroot, p.StrArg("."));
            p.Syscall(field, "chdir /", Nr.chdir, slash);
            return;
        }
        if (c.Plan.NoPivot)
        {
            p.Syscall(field, "chdir rootfs", Nr.chdir, path);
            p.Syscall(field, "move the rootfs over /", Nr.mount, path, slash, 0, (long)Sys.MS_MOVE, 0);
            p.Syscall(field, "chroot", Nr.chroot, p.StrArg("."));
            p.Syscall(field, "chdir /", Nr.chdir, slash);
            return;
        }
        int oldRoot = p.Slot("old-root"), newRoot = p.Slot("new-root");
        var dot = p.StrArg(".");
        p.Syscall(field, "open /", Nr.openat, Sys.AT_FDCWD, slash, Sys.O_DIRECTORY | Sys.O_RDONLY | Sys.O_CLOEXEC).Into(oldRoot);
        p.Syscall(field, "open rootfs", Nr.openat, Sys.AT_FDCWD, path, Sys.O_DIRECTORY | Sys.O_RDONLY | Sys.O_CLOEXEC).Into(newRoot);
        p.Syscall(field, "chdir rootfs", Nr.fchdir, Arg.Slot(newRoot));
        // pivot_root(".", ".") stacks the old root on top of the new one; then it is unmounted from there.
        p.Syscall(field, "pivot_root", Nr.pivot_root, dot, dot);
        p.Syscall(field, "chdir old root", Nr.fchdir, Arg.Slot(oldRoot));
        p.Syscall(field, "make the old root a slave", Nr.mount, 0, dot, 0, (long)(Sys.MS_SLAVE | Sys.MS_REC), 0);
        p.Syscall(field, "detach old root", Nr.umount2, dot, Sys.MNT_DETACH);
        p.Syscall(field, "chdir /", Nr.chdir, slash);
        p.Syscall(field, "close old root", Nr.close, Arg.Slot(oldRoot));
        p.Syscall(field, "close rootfs", Nr.close, Arg.Slot(newRoot));
    }

    /// <summary>After the masks and the console: a read-only root (through its own fd), then rootfsPropagation on
    /// the container's "/" (after the binds: an unbindable root refuses them).</summary>
    internal static unsafe void FinishRoot(SetupContext c)
    {
        var p = c.P;
        if (c.Spec.Root?.Readonly == true)
        {
            int root = p.Slot("root");
            p.Syscall("root.readonly", "open /", Nr.openat, Sys.AT_FDCWD, p.StrArg("/"), OpenDirFlags).Into(root);
            p.Syscall("root.readonly", "remount / read-only", Nr.mount_setattr, Arg.Slot(root), p.StrArg(""), Sys.AT_EMPTY_PATH,
                Attr(p, Sys.MOUNT_ATTR_RDONLY, 0, 0), KernelMountAttr.Size);
            p.Syscall("root.readonly", "close /", Nr.close, Arg.Slot(root));
        }
        if (!string.IsNullOrEmpty(c.Linux.RootfsPropagation) && MountOptionTable.Propagation.TryGetValue(c.Linux.RootfsPropagation, out ulong flags))
            p.Syscall("linux.rootfsPropagation", $"mount / with propagation 0x{flags:x}", Nr.mount, 0, p.StrArg("/"), 0, (long)flags, 0);
    }

    /// <summary>A struct mount_attr in the program's memory.</summary>
    internal static unsafe Arg Attr(SetupProgram p, ulong set, ulong clear, ulong propagation)
    {
        var a = p.New<KernelMountAttr>();
        a->Set = set; a->Clear = clear; a->Propagation = propagation; a->UsernsFd = 0;
        return Arg.Ptr(a, $"{{set 0x{set:x}, clear 0x{clear:x}, propagation 0x{propagation:x}}}");
    }
}
