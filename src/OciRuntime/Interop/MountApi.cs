namespace OciRuntime.Interop;

/// <summary>struct mount_attr of mount_setattr(2).</summary>
internal struct KernelMountAttr
{
    public const int Size = 32;
    public ulong Set, Clear, Propagation, UsernsFd;
}

/// <summary>The new mount API: open_tree, move_mount, mount_setattr (idmapped mounts); fsopen, fsconfig, fsmount
/// (a detached overlayfs for the sealed binary).</summary>
internal static unsafe partial class Sys
{
    internal const int OPEN_TREE_CLONE = 1, AT_RECURSIVE = 0x8000;
    internal const int MOVE_MOUNT_F_EMPTY_PATH = 0x4, MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    internal const ulong MOUNT_ATTR_IDMAP = 0x100000;
    internal const int FSOPEN_CLOEXEC = 1, FSMOUNT_CLOEXEC = 1, FSCONFIG_SET_STRING = 1, FSCONFIG_CMD_CREATE = 6;
    internal const int MOUNT_ATTR_RDONLY = 0x1, MOUNT_ATTR_NOSUID = 0x2, MOUNT_ATTR_NODEV = 0x4;
    internal const ulong MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20, MOUNT_ATTR_NODIRATIME = 0x80,
        MOUNT_ATTR_NOSYMFOLLOW = 0x200000;
    /// <summary>MOUNT_ATTR__ATIME: the atime bits are one field, so changing one means clearing this mask first.</summary>
    internal const ulong MOUNT_ATTR__ATIME = 0x70;

    /// <summary>fsopen(2): a new filesystem context (close-on-exec); returns its fd or -errno.</summary>
    internal static long TryFsOpen(string fsType)
    {
        fixed (byte* p = CString.Of(fsType)) return Fast(Nr.fsopen, (long)p, FSOPEN_CLOEXEC);
    }

    /// <summary>fsconfig(2) FSCONFIG_CMD_CREATE: makes the superblock; returns 0 or -errno.</summary>
    internal static long TryFsConfigCreate(int fsFd) => Fast(Nr.fsconfig, fsFd, FSCONFIG_CMD_CREATE, 0, 0, 0);

    /// <summary>fsmount(2): a detached mount of the context's superblock (close-on-exec); returns its fd or -errno.</summary>
    internal static long TryFsMount(int fsFd, int attrs) => Fast(Nr.fsmount, fsFd, FSMOUNT_CLOEXEC, attrs);

    /// <summary>open_tree(2) of a host path; returns the fd of a detached mount or -errno.</summary>
    internal static long TryOpenTree(string path, int flags)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.open_tree, AT_FDCWD, (long)p, flags | O_CLOEXEC);
    }

    /// <summary>mount_setattr(2) on what <paramref name="fd"/> refers to (AT_EMPTY_PATH), with every mount under it
    /// when <paramref name="recursive"/>; 0 or -errno. Allocation-free: the zone's routines use it.</summary>
    internal static long TryMountSetattrFd(long fd, bool recursive, ulong set, ulong clear, ulong propagation, long usernsFd)
    {
        var attr = new KernelMountAttr { Set = set, Clear = clear, Propagation = propagation, UsernsFd = (ulong)usernsFd };
        byte empty = 0;
        return Fast(Nr.mount_setattr, fd, (long)&empty, AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), (long)&attr, KernelMountAttr.Size);
    }

    /// <summary>Owner of a path, not following a final symlink.</summary>
    internal static (uint Uid, uint Gid)? LStat(string path)
    {
        StatxBuffer sx;
        long r;
        fixed (byte* p = CString.Of(path)) r = TryStatx(AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, STATX_UID | STATX_GID, &sx);
        return r < 0 ? null : (sx.Uid, sx.Gid);
    }

    /// <summary>Size and modification time of what <paramref name="path"/> names under <paramref name="dirFd"/>
    /// (AT_EMPTY_PATH with ""), or null: enough to tell two opens of one binary apart from a replaced file.</summary>
    internal static (ulong Size, long MtimeSec, uint MtimeNsec)? SizeAndMtime(int dirFd, string path, int flags)
    {
        StatxBuffer sx;
        long r;
        fixed (byte* p = CString.Of(path)) r = TryStatx(dirFd, p, flags, STATX_SIZE | STATX_MTIME, &sx);
        return r < 0 ? null : (sx.Size, sx.MtimeSec, sx.MtimeNsec);
    }

    internal static long TryLChown(string path, uint uid, uint gid)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.fchownat, AT_FDCWD, (long)p, uid, gid, AT_SYMLINK_NOFOLLOW);
    }
}
