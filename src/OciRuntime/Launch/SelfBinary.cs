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

    /// <summary>Starts the copy on its own thread, so the ~4 ms the kernel spends filling the memfd overlap the
    /// parsing, validation and cgroup work that come before the clone.</summary>
    internal static PendingCopy StartCopy() => new();

    /// <summary>A copy in progress; <see cref="Take"/> waits for it and hands over the fd.</summary>
    internal sealed class PendingCopy : IDisposable
    {
        private readonly Thread _thread;
        private int _fd = -1;
        private Exception? _error;

        internal PendingCopy()
        {
            _thread = new Thread(() =>
            {
                try { _fd = OpenSealedCopy(); }
                catch (Exception e) { _error = e; }
            }, 256 * 1024) { IsBackground = true, Name = "ocirun-copy" };
            _thread.Start();
        }

        /// <summary>The sealed memfd (close-on-exec); the caller owns it from here.</summary>
        internal int Take()
        {
            _thread.Join();
            if (_error is not null) throw _error;
            int fd = _fd;
            _fd = -1;
            return fd;
        }

        public void Dispose()
        {
            _thread.Join();
            Sys.Close(_fd);
            _fd = -1;
        }
    }
}
