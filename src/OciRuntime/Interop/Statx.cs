using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

/// <summary>The fields of struct statx that ocirun reads (linux/stat.h), laid out where the kernel puts them, so no
/// caller reads a byte offset of its own.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxBuffer
{
    [FieldOffset(0)] public uint Mask;
    [FieldOffset(8)] public ulong Attributes;
    [FieldOffset(20)] public uint Uid;
    [FieldOffset(24)] public uint Gid;
    [FieldOffset(28)] public ushort Mode;
    [FieldOffset(32)] public ulong Ino;
    [FieldOffset(40)] public ulong Size;
    [FieldOffset(112)] public long MtimeSec;
    [FieldOffset(120)] public uint MtimeNsec;
    [FieldOffset(128)] public uint RdevMajor;
    [FieldOffset(132)] public uint RdevMinor;
    [FieldOffset(136)] public uint DevMajor;
    [FieldOffset(140)] public uint DevMinor;
    [FieldOffset(144)] public ulong MountId;

    public readonly uint Type => Mode & Sys.S_IFMT;
    public readonly bool IsMountRoot => (Attributes & Sys.STATX_ATTR_MOUNT_ROOT) != 0;
    public readonly bool HasUniqueMountId => (Mask & Sys.STATX_MNT_ID_UNIQUE) != 0;
}

internal static unsafe partial class Sys
{
    internal const uint STATX_TYPE = 0x1, STATX_MODE = 0x2, STATX_UID = 0x8, STATX_GID = 0x10, STATX_INO = 0x100,
        STATX_MTIME = 0x40, STATX_SIZE = 0x200;

    /// <summary>statx(2) of <paramref name="path"/> under <paramref name="dirFd"/>, or of the fd itself when
    /// <paramref name="path"/> is null (AT_EMPTY_PATH); 0 or -errno. Allocation-free: the setup program's routines
    /// use it in the zone.</summary>
    internal static long TryStatx(long dirFd, byte* path, int flags, uint mask, StatxBuffer* buf)
    {
        byte empty = 0;
        return Fast(Nr.statx, dirFd, path == null ? (long)&empty : (long)path, flags | (path == null ? AT_EMPTY_PATH : 0), mask, (long)buf);
    }

    /// <summary>statx asking for type, mode, inode and the mount id (the unique one where the kernel has it:
    /// Linux 6.8; the old one before). Allocation-free.</summary>
    internal static long TryStatxWithMount(long dirFd, byte* path, int flags, StatxBuffer* buf)
    {
        long r = TryStatx(dirFd, path, flags, STATX_TYPE_MODE_INO | STATX_MNT_ID_UNIQUE, buf);
        if (r == -Errno.EINVAL) r = TryStatx(dirFd, path, flags, STATX_TYPE_MODE_INO | STATX_MNT_ID, buf);
        return r;
    }
}
