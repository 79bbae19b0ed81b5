namespace OciRuntime.Interop;

/// <summary>What a mount made by descriptor needs beyond MountApi.cs: identity of an fd's mount (statx, statmount),
/// fsconfig flags, and the *at calls that walk a tree by fd (getdents64, readlinkat, symlinkat).</summary>
internal static unsafe partial class Sys
{
    internal const int FSCONFIG_SET_FLAG = 0;
    internal const uint STATX_TYPE_MODE_INO = 0x103, STATX_MNT_ID = 0x1000, STATX_MNT_ID_UNIQUE = 0x4000;
    internal const ulong STATX_ATTR_MOUNT_ROOT = 0x2000;

    /// <summary>Identity of what an fd (or a name under it) refers to.</summary>
    internal readonly record struct FdIdentity(uint Mode, ulong Ino, uint DevMajor, uint DevMinor, uint RdevMajor, uint RdevMinor,
        ulong MountId, bool MountRoot, bool UniqueMountId)
    {
        public uint Type => Mode & S_IFMT;
        public bool SameObject(FdIdentity o) => Ino == o.Ino && DevMajor == o.DevMajor && DevMinor == o.DevMinor;
    }

    /// <summary>statx of <paramref name="name"/> under <paramref name="dirFd"/> ("" = the fd itself), not
    /// following a final symlink: type, inode, device and the mount it is on (the unique id where the kernel has it).</summary>
    internal static long TryIdentify(int dirFd, string name, out FdIdentity id)
    {
        StatxBuffer sx;
        long r;
        if (name.Length == 0) r = TryStatxWithMount(dirFd, null, AT_SYMLINK_NOFOLLOW, &sx);
        else fixed (byte* p = CString.Of(name)) r = TryStatxWithMount(dirFd, p, AT_SYMLINK_NOFOLLOW, &sx);
        id = default;
        if (r < 0) return r;
        id = new FdIdentity(sx.Mode, sx.Ino, sx.DevMajor, sx.DevMinor, sx.RdevMajor, sx.RdevMinor, sx.MountId, sx.IsMountRoot, sx.HasUniqueMountId);
        return 0;
    }

    /// <summary>statmount(2) STATMOUNT_MNT_BASIC: the unique id of the mount <paramref name="uniqueMountId"/> is
    /// mounted on; -errno (ENOSYS before Linux 6.8).</summary>
    internal static long TryMountParentOf(ulong uniqueMountId)
    {
        ulong* req = stackalloc ulong[3];
        req[0] = 24; // size (the upper half, a spare field, stays 0)
        req[1] = uniqueMountId;
        req[2] = 0x2; // STATMOUNT_MNT_BASIC
        byte* buf = stackalloc byte[512];
        long r = Fast(Nr.statmount, (long)req, (long)buf, 512, 0);
        if (r < 0) return r;
        if ((*(ulong*)(buf + 8) & 0x2) == 0) return -Errno.EINVAL;
        return (long)*(ulong*)(buf + 48);
    }

    /// <summary>open_tree(2) of <paramref name="path"/> under <paramref name="dirFd"/>; the fd or -errno.</summary>
    internal static long TryOpenTreeAt(int dirFd, string path, int flags)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.open_tree, dirFd, (long)p, flags | O_CLOEXEC);
    }

}
