namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    /// <summary>The mount flags (ST_*, equal to MS_* for the ones a remount must keep) of the mount holding <paramref name="path"/>.</summary>
    internal static ulong MountFlagsOf(string path)
    {
        byte* buf = stackalloc byte[128];
        long r;
        fixed (byte* p = CString.Of(path)) r = Fast(Nr.statfs, (long)p, (long)buf);
        if (r < 0) return 0;
        ulong st = *(ulong*)(buf + 80);
        // ST_RELATIME (4096) is MS_RELATIME (1 << 21) for mount(2); the others share their values.
        ulong ms = st & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_MANDLOCK | MS_NOATIME | MS_NODIRATIME | MS_NOSYMFOLLOW);
        if ((st & 4096) != 0) ms |= MS_RELATIME;
        return ms;
    }

    /// <summary>Size of an open file (statx STATX_SIZE).</summary>
    internal static long FileSize(int fd)
    {
        byte* buf = stackalloc byte[256];
        byte empty = 0;
        long r = Fast(Nr.statx, fd, (long)&empty, AT_EMPTY_PATH, 0x200 /* STATX_SIZE */, (long)buf);
        return r < 0 ? r : *(long*)(buf + 0x28);
    }

    internal static long Access(string path, int mode) => AccessAt(AT_FDCWD, path, mode);

    internal static long AccessAt(int dirFd, string path, int mode)
    {
        fixed (byte* p = CString.Into(path, stackalloc byte[CString.StackSize])) return Fast(Nr.faccessat, dirFd, (long)p, mode, 0);
    }
}
