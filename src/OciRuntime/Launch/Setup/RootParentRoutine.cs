using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// RootPreparation.MakeParentPrivate for a JOINED mount namespace, whose mount table only the zone sees (after the
/// join): the mount holding the rootfs (the mount of an fd opened on the rootfs path, which is the topmost one at
/// that path when the rootfs is a mount point, as init's longest-prefix match picks) is made private when it is
/// shared, since pivot_root refuses a shared parent. Its propagation comes from statmount; the change goes through
/// an fd on that mount's root, reached by walking ".." inside the mount (".." never leaves a mount before its
/// root). Allocation-free (ForkSafe.cs rules).
/// </summary>
internal static unsafe class RootParentRoutine
{
    internal const int OpenRoot = 1, Identify = 2, Statmount = 3, WalkUp = 4, SetPrivate = 5;

    internal static string Words(int errno, int detail) => detail switch
    {
        OpenRoot => $"open the rootfs: {SyscallException.Describe(errno)}",
        Identify => $"statx the rootfs's mount: {SyscallException.Describe(errno)}",
        Statmount => $"statmount the rootfs's mount: {SyscallException.Describe(errno)}",
        WalkUp => $"find the root of the rootfs's mount: {SyscallException.Describe(errno)}",
        SetPrivate => $"mount_setattr MS_PRIVATE: {SyscallException.Describe(errno)}",
        _ => SyscallException.Describe(errno),
    };

    private const ulong STATMOUNT_MNT_BASIC = 0x2;
    private const int MaxDepth = 4096;

    /// <summary>a0: the rootfs path (as the joined namespace resolves it). Result: 1 made private, 0 not shared.</summary>
    internal static long Run(ZoneState* z, byte* rootfs)
    {
        long fd = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)rootfs, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC);
        if (fd < 0) { z->Detail = OpenRoot; return fd; }
        long r = MountOf(fd, out ulong mount, out bool isRoot);
        if (r < 0) { Sys.Fast(Nr.close, fd); z->Detail = Identify; return r; }
        r = Propagation(mount);
        if (r < 0) { Sys.Fast(Nr.close, fd); z->Detail = Statmount; return r; }
        if ((r & (long)Sys.MS_SHARED) == 0) { Sys.Fast(Nr.close, fd); return 0; }

        byte* dotdot = stackalloc byte[3] { (byte)'.', (byte)'.', 0 };
        for (int depth = 0; !isRoot; depth++)
        {
            if (depth >= MaxDepth) { Sys.Fast(Nr.close, fd); z->Detail = WalkUp; return -Errno.ELOOP; }
            long up = Sys.Fast(Nr.openat, fd, (long)dotdot, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC);
            Sys.Fast(Nr.close, fd);
            if (up < 0) { z->Detail = WalkUp; return up; }
            fd = up;
            r = MountOf(fd, out ulong at, out isRoot);
            if (r < 0) { Sys.Fast(Nr.close, fd); z->Detail = WalkUp; return r; }
            // ".." below a mount's root stays in it: another mount here means the tree moved under us.
            if (at != mount) { Sys.Fast(Nr.close, fd); z->Detail = WalkUp; return -Errno.EXDEV; }
        }
        r = Sys.TryMountSetattrFd(fd, recursive: false, 0, 0, Sys.MS_PRIVATE, 0);
        Sys.Fast(Nr.close, fd);
        if (r < 0) { z->Detail = SetPrivate; return r; }
        return 1;
    }

    /// <summary>statx of the fd itself: its mount's unique id and whether it is that mount's root.</summary>
    private static long MountOf(long fd, out ulong mountId, out bool mountRoot)
    {
        StatxBuffer sx;
        mountId = 0; mountRoot = false;
        long r = Sys.TryStatx(fd, null, Sys.AT_SYMLINK_NOFOLLOW, Sys.STATX_MNT_ID_UNIQUE, &sx);
        if (r < 0) return r;
        if (!sx.HasUniqueMountId) return -Errno.ENOSYS; // statmount needs the unique id (Linux 6.8)
        mountRoot = sx.IsMountRoot;
        mountId = sx.MountId;
        return 0;
    }

    /// <summary>statmount's mnt_propagation (MS_SHARED, MS_SLAVE, MS_UNBINDABLE bits, or MS_PRIVATE), or -errno.</summary>
    internal static long Propagation(ulong uniqueMountId)
    {
        ulong* req = stackalloc ulong[3];
        req[0] = 24; // struct mnt_id_req: size, then the spare half of it stays 0
        req[1] = uniqueMountId;
        req[2] = STATMOUNT_MNT_BASIC;
        byte* buf = stackalloc byte[512];
        long r = Sys.Fast(Nr.statmount, (long)req, (long)buf, 512, 0);
        if (r < 0) return r;
        if ((*(ulong*)(buf + 8) & STATMOUNT_MNT_BASIC) == 0) return -Errno.EINVAL;
        return (long)*(ulong*)(buf + 72); // struct statmount: mnt_propagation
    }
}
