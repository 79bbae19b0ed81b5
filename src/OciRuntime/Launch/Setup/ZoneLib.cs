using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Allocation-free helpers for zone routines: C strings in caller buffers, numbers as text, and the descriptor
/// checks every routine needs. The rules of ForkSafe.cs apply: raw system calls only, no managed allocation, no
/// exception (nothing here may index out of range: every length is checked).
/// </summary>
internal static unsafe class ZoneLib
{
    internal const ulong InRoot = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_MAGICLINKS;
    internal const ulong Beneath = Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_XDEV | Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_NO_MAGICLINKS;

    internal static int Strlen(byte* s)
    {
        int n = 0;
        if (s == null) return 0;
        while (s[n] != 0) n++;
        return n;
    }

    /// <summary>Appends the C string <paramref name="s"/> at <paramref name="at"/> in a buffer of
    /// <paramref name="cap"/> bytes, keeping it NUL-terminated; returns the new length or -1 if it does not fit.</summary>
    internal static int Append(byte* buf, int at, int cap, byte* s)
    {
        if (at < 0) return -1;
        int n = Strlen(s);
        if (at + n + 1 > cap) return -1;
        for (int i = 0; i < n; i++) buf[at + i] = s[i];
        buf[at + n] = 0;
        return at + n;
    }

    internal static int AppendByte(byte* buf, int at, int cap, byte b)
    {
        if (at < 0 || at + 2 > cap) return -1;
        buf[at] = b;
        buf[at + 1] = 0;
        return at + 1;
    }

    /// <summary>Appends <paramref name="v"/> in decimal; returns the new length or -1.</summary>
    internal static int AppendNumber(byte* buf, int at, int cap, long v)
    {
        if (at < 0) return -1;
        byte* tmp = stackalloc byte[24];
        int n = 0;
        bool neg = v < 0;
        ulong u = neg ? (ulong)(-(v + 1)) + 1 : (ulong)v;
        do { tmp[n++] = (byte)('0' + (int)(u % 10)); u /= 10; } while (u != 0);
        if (neg) tmp[n++] = (byte)'-';
        if (at + n + 1 > cap) return -1;
        for (int i = 0; i < n; i++) buf[at + i] = tmp[n - 1 - i];
        buf[at + n] = 0;
        return at + n;
    }

    /// <summary>Parses a non-negative decimal number at the start of <paramref name="s"/> (up to
    /// <paramref name="len"/> bytes); -1 when there is none.</summary>
    internal static long ParseNumber(byte* s, int len)
    {
        long v = 0;
        int i = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        {
            if (v > long.MaxValue / 10 - 10) return -1;
            v = v * 10 + (s[i] - '0');
        }
        return i == 0 ? -1 : v;
    }

    internal static bool Equal(byte* a, int alen, byte* b)
    {
        for (int i = 0; i < alen; i++) if (b[i] != a[i] || b[i] == 0) return false;
        return b[alen] == 0;
    }

    /// <summary>openat2 with the given resolve flags; retried on EAGAIN as Sys.Openat2 is (a ".." walk raced by
    /// a rename or mount anywhere on the host).</summary>
    internal static long Openat2(long dirFd, byte* path, long flags, ulong resolve)
    {
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(flags | Sys.O_CLOEXEC);
        how[1] = 0;
        how[2] = resolve;
        long r = -Errno.EAGAIN;
        for (int i = 0; i < 128 && r == -Errno.EAGAIN; i++) r = Sys.Fast(Nr.openat2, dirFd, (long)path, (long)how, 24);
        return r;
    }

    /// <summary>statx of the fd itself: inode (and mode type bits) into the out parameters; 0 or -errno.</summary>
    internal static long Inode(long fd, out ulong ino, out int type)
    {
        StatxBuffer sx;
        ino = 0; type = 0;
        long r = Sys.TryStatx(fd, null, 0, Sys.STATX_TYPE | Sys.STATX_INO, &sx);
        if (r < 0) return r;
        type = (int)sx.Type;
        ino = sx.Ino;
        return 0;
    }

    /// <summary>True if fd is the root directory of a procfs: the check ProcHandle makes.</summary>
    internal static bool IsProcRoot(long fd) =>
        Sys.TryFsType(fd) == Sys.PROC_SUPER_MAGIC && Inode(fd, out ulong ino, out int type) == 0 && ino == 1 && type == (int)Sys.S_IFDIR;

    /// <summary>"/proc/self/fd/N" style: <paramref name="prefix"/> followed by the number.</summary>
    internal static int PathWithNumber(byte* buf, int cap, byte* prefix, long n) =>
        AppendNumber(buf, Append(buf, 0, cap, prefix), cap, n);

    internal static long WriteAll(long fd, byte* data, long len)
    {
        long done = 0;
        while (done < len)
        {
            long w = Sys.Fast(Nr.write, fd, (long)(data + done), len - done);
            if (w == -Errno.EINTR) continue;
            if (w < 0) return w;
            if (w == 0) return -Errno.EIO;
            done += w;
        }
        return done;
    }
}
