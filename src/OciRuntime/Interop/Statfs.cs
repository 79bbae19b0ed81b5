using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

/// <summary>The fields of struct statfs that ocirun reads (x86_64, asm/statfs.h), where the kernel puts them.</summary>
[StructLayout(LayoutKind.Explicit, Size = 120)]
internal struct StatfsBuffer
{
    [FieldOffset(0)] public long Type;
    [FieldOffset(80)] public ulong Flags;
}

internal static unsafe partial class Sys
{
    /// <summary>statfs(2) of a NUL-terminated path; 0 or -errno. Allocation-free (the zone's routines use it).</summary>
    internal static long TryStatfs(byte* path, StatfsBuffer* buf) => Fast(Nr.statfs, (long)path, (long)buf);

    /// <summary>fstatfs(2) of an fd (O_PATH fds included); 0 or -errno. Allocation-free.</summary>
    internal static long TryFstatfs(long fd, StatfsBuffer* buf) => Fast(Nr.fstatfs, fd, (long)buf);

    /// <summary>The filesystem magic (f_type) of what <paramref name="fd"/> refers to, or -errno. Allocation-free.</summary>
    internal static long TryFsType(long fd)
    {
        StatfsBuffer st;
        long r = TryFstatfs(fd, &st);
        return r < 0 ? r : st.Type;
    }

    /// <summary>The filesystem magic of the filesystem holding <paramref name="path"/>, or -errno.</summary>
    internal static long TryFsTypeOf(string path)
    {
        StatfsBuffer st;
        long r;
        fixed (byte* p = CString.Into(path, stackalloc byte[CString.StackSize])) r = TryStatfs(p, &st);
        return r < 0 ? r : st.Type;
    }

    /// <summary>Size of an open file (statx STATX_SIZE), or -errno.</summary>
    internal static long TryFileSize(int fd)
    {
        StatxBuffer sx;
        long r = TryStatx(fd, null, 0, STATX_SIZE, &sx);
        return r < 0 ? r : (long)sx.Size;
    }

    internal static long TryAccess(string path, int mode) => TryAccessAt(AT_FDCWD, path, mode);

    internal static long TryAccessAt(int dirFd, string path, int mode)
    {
        fixed (byte* p = CString.Into(path, stackalloc byte[CString.StackSize])) return Fast(Nr.faccessat, dirFd, (long)p, mode, 0);
    }
}
