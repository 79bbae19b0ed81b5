namespace OciRuntime.Interop;

/// <summary>What a descriptor is, asked of the descriptor itself (fstatfs, statx with AT_EMPTY_PATH), and the
/// few calls that act on descriptors rather than paths: readlinkat, the pty peer, mount by fd.</summary>
internal static unsafe partial class Sys
{
    internal const long PROC_SUPER_MAGIC = 0x9fa0, DEVPTS_SUPER_MAGIC = 0x1cd1, CGROUP2_SUPER_MAGIC = 0x63677270;
    internal const int MOUNT_ATTR_NOEXEC = 0x8;

    /// <summary>statx of an fd itself (AT_EMPTY_PATH), or null with the errno in <paramref name="errno"/>.</summary>
    internal static FdIdentity? StatFd(int fd, out int errno)
    {
        long r = TryIdentify(fd, "", out var id);
        errno = r < 0 ? (int)-r : 0;
        return r < 0 ? null : id;
    }

    /// <summary>readlinkat(2) of <paramref name="name"/> under <paramref name="dirFd"/> ("" with an O_PATH fd of the
    /// link itself); null on failure.</summary>
    internal static string? ReadLinkAt(int dirFd, string name)
    {
        byte* buf = stackalloc byte[4096];
        long n;
        fixed (byte* p = CString.Of(name)) n = Fast(Nr.readlinkat, dirFd, (long)p, (long)buf, 4096);
        return n <= 0 || n >= 4096 ? null : System.Text.Encoding.UTF8.GetString(buf, (int)n);
    }

}
