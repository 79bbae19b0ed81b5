namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
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
