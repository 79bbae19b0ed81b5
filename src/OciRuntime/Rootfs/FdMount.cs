using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// Mounts made as detached trees (open_tree for a bind, fsopen/fsmount for a new filesystem) and attached with
/// move_mount onto a destination fd resolved once. The tree fd then IS the mount: every later operation on it
/// (bind flags, recursive attributes, propagation, tmpcopyup's copy) goes through that fd, so a rename or symlink
/// swapped in after the resolve cannot send it to another mount (CVE-2021-30465 class).
/// </summary>
internal static class FdMount
{
    /// <summary>A detached copy of the host path <paramref name="source"/> (the whole tree under it when
    /// <paramref name="recursive"/>, as MS_BIND|MS_REC).</summary>
    internal static int CloneTree(string source, bool recursive) =>
        Sys.CheckFd(Sys.TryOpenTree(source, Sys.OPEN_TREE_CLONE | (recursive ? Sys.AT_RECURSIVE : 0)), $"open_tree {source}");

    /// <summary>A detached new filesystem: mount(2)'s flags become superblock flags and mount attributes, the
    /// data string becomes one fsconfig call per option.</summary>
    internal static int NewFilesystem(string type, string? source, ulong msFlags, string? data)
    {
        using var ctx = OwnedFd.Check(Sys.TryFsOpen(type), $"fsopen {type}");
        int fs = ctx.Fd;
        if (!string.IsNullOrEmpty(source)) Sys.Check(Sys.TryFsConfigString(fs, "source", source), $"fsconfig {type} source={source}");
        foreach (var flag in FsData.SuperblockFlags(msFlags)) Sys.Check(Sys.TryFsConfigFlag(fs, flag), $"fsconfig {type} {flag}");
        foreach (var (key, value) in FsData.Split(data))
        {
            long r = value is null ? Sys.TryFsConfigFlag(fs, key) : Sys.TryFsConfigString(fs, key, value);
            Sys.Check(r, $"fsconfig {type} {key}{(value is null ? "" : "=" + value)}");
        }
        Sys.Check(Sys.TryFsConfigCreate(fs), $"create a {type} filesystem{(string.IsNullOrEmpty(data) ? "" : " with " + data)}");
        return Sys.CheckFd(Sys.TryFsMount(fs, (int)FsData.MountAttributes(msFlags)), $"fsmount {type}");
    }

    /// <summary>
    /// Attaches <paramref name="tree"/> onto the object <paramref name="destFd"/> refers to, then checks through
    /// the fds that it is there: the tree is now a mount root of its own, on the destination's mount.
    /// </summary>
    internal static void Attach(int tree, int destFd, string what)
    {
        Sys.Check(Sys.TryIdentify(destFd, "", out var under), $"statx the destination of {what}");
        Sys.Check(Sys.TryMoveMountFd(tree, destFd), $"move_mount {what}");
        Sys.Check(Sys.TryIdentify(tree, "", out var top), $"statx {what} after mounting");
        if (!top.MountRoot || top.MountId == under.MountId)
            throw new SyscallException($"{what}: the mount is not where it was attached", Errno.EXDEV);
        if (top.UniqueMountId && under.UniqueMountId)
        {
            long parent = Sys.TryMountParentOf(top.MountId);
            if (parent >= 0 && (ulong)parent != under.MountId)
                throw new SyscallException($"{what}: mounted on mount {parent}, not on the destination's mount {under.MountId}", Errno.EXDEV);
        }
    }

    /// <summary>A bind's own flags (ro, nosuid, ...): MS_BIND ignores them, so a remount of the bind applies them,
    /// keeping what the kernel locked. Through the tree fd's /proc/self/fd link, which is exactly that mount.</summary>
    internal static void RemountBind(int tree, ulong extra, ulong cleared)
    {
        string at = RootfsDir.ProcFd(tree);
        ulong keep = Sys.MountFlagsOf(at) & ~cleared;
        Sys.Mount(null, at, null, Sys.MS_BIND | Sys.MS_REMOUNT | keep | extra, null);
    }

    /// <summary>shared/slave/private/unbindable (r-variants recursive) on the mount the fd is.</summary>
    internal static void Propagate(int mountFd, IReadOnlyList<ulong> propagation)
    {
        foreach (var p in propagation) Sys.Mount(null, RootfsDir.ProcFd(mountFd), null, p, null);
    }
}
