using OciRuntime.Interop;

namespace OciRuntime.Security;

/// <summary>
/// CVE-2024-21626: after chdir to process.cwd, the working directory must lie inside the container's root. A
/// path through a descriptor that still refers to a host directory (process.cwd "/proc/self/fd/7") lands outside
/// it, and getcwd(2) then answers with the "(unreachable)" prefix (or fails): refuse to run there.
/// </summary>
internal static class CwdCheck
{
    private const long NrGetcwd = 79;

    internal static unsafe void Verify(string cwd)
    {
        byte* buf = stackalloc byte[4096];
        long r = Sys.Fast(NrGetcwd, (long)buf, 4096);
        if (r == -Errno.ENOENT || (r > 0 && buf[0] != (byte)'/'))
            throw new RuntimeError($"process.cwd: {cwd} is outside the container's root (a leaked host descriptor?); refusing to run there");
        if (r < 0 && r != -Errno.ERANGE)
            throw new RuntimeError($"process.cwd: getcwd after chdir {cwd}: {SyscallException.Describe((int)-r)}");
    }
}
