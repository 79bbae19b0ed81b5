using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The binary that enters a container is a sealed in-memory copy of ocirun, never the host file:
/// a process in the container that reaches /proc/[pid]/exe can then not overwrite ocirun on the host
/// (CVE-2019-5736).
/// </summary>
internal static class SelfBinary
{
    /// <summary>Returns a close-on-exec memfd holding a sealed copy of /proc/self/exe.</summary>
    internal static unsafe int OpenSealedCopy()
    {
        int src = Sys.Open("/proc/self/exe", Sys.O_RDONLY);
        try
        {
            int memfd = Sys.MemfdCreate("ocirun", Sys.MFD_CLOEXEC | Sys.MFD_ALLOW_SEALING);
            try
            {
                // sendfile copies inside the kernel: the binary is never mapped into this process, which keeps
                // the runtime's peak RSS down (a mapping of the 10 MB binary counted in full).
                while (true)
                {
                    long n = Sys.Fast(Nr.sendfile, memfd, src, 0, 1 << 30);
                    if (n == 0) break;
                    Sys.Check(n, "copy /proc/self/exe into memfd");
                }
                Sys.Check(Sys.Fast(Nr.fcntl, memfd, Sys.F_ADD_SEALS,
                    Sys.F_SEAL_SEAL | Sys.F_SEAL_SHRINK | Sys.F_SEAL_GROW | Sys.F_SEAL_WRITE), "seal ocirun memfd");
                return memfd;
            }
            catch
            {
                Sys.Close(memfd);
                throw;
            }
        }
        finally
        {
            Sys.Close(src);
        }
    }
}
