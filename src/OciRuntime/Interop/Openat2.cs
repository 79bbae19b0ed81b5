namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const ulong RESOLVE_NO_XDEV = 1, RESOLVE_NO_MAGICLINKS = 2, RESOLVE_NO_SYMLINKS = 4, RESOLVE_BENEATH = 8,
        RESOLVE_IN_ROOT = 0x10;

    /// <summary>A ".." under RESOLVE_IN_ROOT or RESOLVE_BENEATH gives EAGAIN whenever any rename or mount happened on
    /// the host during the walk (the kernel cannot then prove it stayed inside): with containers starting side by side
    /// that is common, and openat2(2) says to retry. runc's pathrs retries the same way.</summary>
    private const int Openat2Retries = 128;

    /// <summary>openat2 with a resolve policy; returns the fd or -errno.</summary>
    internal static long TryOpenat2(int dirFd, string path, int flags, ulong resolve, uint mode = 0)
    {
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(flags | O_CLOEXEC); how[1] = mode; how[2] = resolve;
        fixed (byte* p = CString.Of(path))
        {
            long r = -Errno.EAGAIN;
            for (int i = 0; i < Openat2Retries && r == -Errno.EAGAIN; i++) r = Fast(Nr.openat2, dirFd, (long)p, (long)how, 24);
            return r;
        }
    }

}
