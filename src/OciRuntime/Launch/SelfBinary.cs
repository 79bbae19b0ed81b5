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
                // One write from a mapping of the binary (already in the page cache): a plain memory copy, about
                // twice as fast as sendfile's page-by-page splice for a binary of this size.
                long size = Sys.FileSize(src);
                long map = Sys.Check(Sys.Fast(9 /* mmap */, 0, size, 1 /* PROT_READ */, 2 /* MAP_PRIVATE */, src, 0), "map /proc/self/exe");
                try
                {
                    Sys.Check(Sys.Fast(Nr.ftruncate, memfd, size), "size ocirun memfd");
                    for (long done = 0; done < size;)
                        done += Sys.Check(Sys.Fast(Nr.write, memfd, map + done, size - done), "copy /proc/self/exe into memfd");
                }
                finally
                {
                    Sys.Fast(11 /* munmap */, map, size);
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
