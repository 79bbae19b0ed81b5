namespace OciRuntime.Interop;

/// <summary>The new mount API: open_tree, move_mount, mount_setattr (idmapped mounts).</summary>
internal static unsafe partial class Sys
{
    internal const int OPEN_TREE_CLONE = 1, AT_RECURSIVE = 0x8000;
    internal const int MOVE_MOUNT_F_EMPTY_PATH = 0x4, MOVE_MOUNT_T_EMPTY_PATH = 0x40;
    internal const ulong MOUNT_ATTR_IDMAP = 0x100000;

    /// <summary>open_tree(2) of a host path; returns the fd of a detached mount or -errno.</summary>
    internal static long OpenTree(string path, int flags)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.open_tree, AT_FDCWD, (long)p, flags | O_CLOEXEC);
    }

    /// <summary>mount_setattr(2) on an fd (AT_EMPTY_PATH); returns 0 or -errno.</summary>
    internal static long MountSetattrFd(int fd, bool recursive, ulong set, ulong clear, ulong propagation, int usernsFd)
    {
        ulong* attr = stackalloc ulong[4];
        attr[0] = set; attr[1] = clear; attr[2] = propagation; attr[3] = (ulong)(long)usernsFd;
        byte empty = 0;
        return Fast(Nr.mount_setattr, fd, (long)&empty, AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), (long)attr, 32);
    }

    /// <summary>move_mount(2) of a detached mount fd onto the object an fd refers to; returns 0 or -errno.</summary>
    internal static long MoveMountFd(int fromFd, int toFd)
    {
        byte empty = 0;
        return Fast(Nr.move_mount, fromFd, (long)&empty, toFd, (long)&empty, MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
    }

    /// <summary>Owner of a path, not following a final symlink.</summary>
    internal static (uint Uid, uint Gid)? LStat(string path)
    {
        byte* buf = stackalloc byte[256];
        long r;
        fixed (byte* p = CString.Of(path)) r = Fast(Nr.statx, AT_FDCWD, (long)p, AT_SYMLINK_NOFOLLOW, 0x18 /* UID|GID */, (long)buf);
        if (r < 0) return null;
        return (*(uint*)(buf + 20), *(uint*)(buf + 24));
    }

    internal static long LChown(string path, uint uid, uint gid)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.fchownat, AT_FDCWD, (long)p, uid, gid, AT_SYMLINK_NOFOLLOW);
    }
}
