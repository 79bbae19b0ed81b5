namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const int AT_FDCWD = -100;
    internal const int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_NOCTTY = 0x100,
        O_TRUNC = 0x200, O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECTORY = 0x10000, O_NOFOLLOW = 0x20000,
        O_CLOEXEC = 0x80000, O_PATH = 0x200000;
    internal const int F_GETFD = 1, F_SETFD = 2, F_DUPFD_CLOEXEC = 1030, FD_CLOEXEC = 1;
    internal const int AT_EMPTY_PATH = 0x1000, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200;
    internal const uint S_IFMT = 0xF000, S_IFIFO = 0x1000, S_IFCHR = 0x2000, S_IFDIR = 0x4000, S_IFBLK = 0x6000,
        S_IFREG = 0x8000, S_IFLNK = 0xA000;
    internal const int LOCK_EX = 2, LOCK_NB = 4, LOCK_SH = 1;
    internal const uint CLOSE_RANGE_CLOEXEC = 4;

    internal static long TryOpenAt(int dirFd, string path, int flags, int mode = 0)
    {
        fixed (byte* p = CString.Into(path, stackalloc byte[CString.StackSize]))
            return Fast(Nr.openat, dirFd, (long)p, flags | O_CLOEXEC, mode);
    }

    /// <summary>openat(2) of a NUL-terminated UTF-8 path.</summary>
    internal static long TryOpenAt(int dirFd, ReadOnlySpan<byte> path, int flags)
    {
        fixed (byte* p = path) return Fast(Nr.openat, dirFd, (long)p, flags | O_CLOEXEC, 0);
    }

    internal static int Open(string path, int flags, int mode = 0) =>
        CheckFd(TryOpenAt(AT_FDCWD, path, flags, mode), $"open {path}");

    internal static void Close(int fd) { if (fd >= 0) Fast(Nr.close, fd); }

    internal static long TryRead(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer) return Blocking(Nr.read, fd, (long)p, buffer.Length);
    }

    /// <summary>
    /// A small file into <paramref name="buffer"/> in three system calls (FileStream adds an fstat and more):
    /// the bytes read, buffer.Length when it may hold more than fits, or -errno.
    /// </summary>
    internal static long TryReadSmallFile(string path, Span<byte> buffer) =>
        TryReadSmallFile(CString.Into(path, stackalloc byte[CString.StackSize]), buffer);

    /// <summary>The same, the path given as NUL-terminated UTF-8.</summary>
    internal static long TryReadSmallFile(ReadOnlySpan<byte> path, Span<byte> buffer) => TryReadSmallFile(AT_FDCWD, path, buffer);

    /// <summary>The same, relative to <paramref name="dirFd"/>.</summary>
    internal static long TryReadSmallFile(int dirFd, ReadOnlySpan<byte> path, Span<byte> buffer)
    {
        long fd = TryOpenAt(dirFd, path, O_RDONLY);
        if (fd < 0) return fd;
        try
        {
            int total = 0;
            while (total < buffer.Length)
            {
                long n = TryRead((int)fd, buffer[total..]);
                if (n < 0) return n;
                total += (int)n;
                // A short read is the end of a regular file, and /proc makes a stat file whole in one read: no
                // second read just to see 0.
                if (n < buffer.Length - (total - n)) break;
            }
            return total;
        }
        finally
        {
            Close((int)fd);
        }
    }

    internal static long TryWrite(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data) return Blocking(Nr.write, fd, (long)p, data.Length);
    }

    internal static void WriteAll(int fd, ReadOnlySpan<byte> data, string what)
    {
        while (!data.IsEmpty)
        {
            long n = Check(TryWrite(fd, data), what);
            data = data[(int)n..];
        }
    }

    internal static int DupCloexecAbove(int fd, int min) => CheckFd(Fast(Nr.fcntl, fd, F_DUPFD_CLOEXEC, min), "fcntl F_DUPFD_CLOEXEC");

    internal static long TryMknod(string path, uint mode, ulong dev)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.mknodat, AT_FDCWD, (long)p, mode, (long)dev);
    }

    internal static long TrySymlink(string target, string linkPath)
    {
        fixed (byte* t = CString.Of(target)) fixed (byte* l = CString.Of(linkPath))
            return Fast(Nr.symlinkat, (long)t, AT_FDCWD, (long)l);
    }

    internal static long TryChown(string path, uint uid, uint gid)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.fchownat, AT_FDCWD, (long)p, uid, gid, AT_SYMLINK_NOFOLLOW);
    }

    internal static long TryChmod(string path, uint mode)
    {
        fixed (byte* p = CString.Of(path)) return Fast(Nr.fchmodat, AT_FDCWD, (long)p, mode);
    }

    internal static long TryFlock(int fd, int op) => Blocking(Nr.flock, fd, op);

    internal static long TryCloseRangeCloexec(uint first) => Fast(Nr.close_range, first, uint.MaxValue, CLOSE_RANGE_CLOEXEC);

    internal static ulong MakeDev(long major, long minor) =>
        (ulong)((minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xffL) << 12) | ((major & ~0xfffL) << 32));

    internal static long Umask(uint mask) => Fast(Nr.umask, mask);

}
