using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The binary that enters a container is never the host file as it can be written: a process in the container
/// that reaches /proc/[pid]/exe must not be able to overwrite ocirun on the host (CVE-2019-5736).
///
/// First choice, as runc 1.2 does: the binary opened through a detached, read-only overlayfs whose only layers
/// are its own directory and the state root, which only fills the second slot (overlayfs wants two lower layers
/// to run without an upper one). Nothing is copied, every container maps the same page cache, and no open of that file can write:
/// the mount is read-only and has no upper layer to copy up into. The mount is never attached anywhere, so
/// nothing in any mount table shows it. Where that cannot be had (no overlayfs, no privilege to mount it, layers
/// that overlap, the file on disk no longer the one running), a sealed memfd copy, filled on its own thread.
///
/// create, run and exec already run from such an image (Native/sealed_exec.c re-execs them before the .NET
/// runtime starts, so that the process whose fork joins a container is never the host file): then init is exec'd
/// from that same file and nothing here is made. The overlay and the copy below remain for a caller that was
/// not re-exec'd (a subcommand the constructor does not know to seal).
/// </summary>
internal static class SelfBinary
{
    /// <summary>Starts getting the binary: the overlay at once (a few system calls), else the copy in the
    /// background so the kernel's ~4 ms of filling the memfd overlap the parsing and cgroup work before the clone.
    /// <paramref name="root"/>: the state root, the overlay's second layer (made here, 0700 as the state store
    /// makes it, when the first container of a fresh --root comes).</summary>
    internal static PendingBinary Prepare(string root)
    {
        // create, run and exec already run from the sealed image (Native/sealed_exec.c re-execs them before the
        // runtime starts): init execs that same file, with no second overlay or copy.
        if (RunningSealed() && Sys.OpenAt(Sys.AT_FDCWD, "/proc/self/exe", Sys.O_PATH) is var self and >= 0)
            return new PendingBinary((int)self);
        try
        {
            State.StateStore.MakeRoot(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The copy needs no directory, and create reports an unusable --root in its own words later.
        }
        long fd = OpenThroughOverlay(root);
        return fd >= 0 ? new PendingBinary((int)fd) : new PendingBinary();
    }

    private const int F_GET_SEALS = 1034;
    private const long OVERLAYFS_SUPER_MAGIC = 0x794c7630;

    /// <summary>Whether this process runs from an image no open can write: a write-sealed memfd, or a read-only
    /// overlayfs (the detached one of Native/sealed_exec.c). The same test as the constructor's.</summary>
    internal static unsafe bool RunningSealed()
    {
        long fd = Sys.OpenAt(Sys.AT_FDCWD, "/proc/self/exe", Sys.O_RDONLY);
        if (fd < 0) fd = Sys.OpenAt(Sys.AT_FDCWD, "/proc/self/exe", Sys.O_PATH);
        if (fd < 0) return false;
        try
        {
            long seals = Sys.Fast(Nr.fcntl, fd, F_GET_SEALS);
            const long wanted = Sys.F_SEAL_SEAL | Sys.F_SEAL_WRITE;
            if (seals >= 0 && (seals & wanted) == wanted) return true;
            StatfsBuffer st;
            if (Sys.Fstatfs(fd, &st) < 0) return false;
            return st.Type == OVERLAYFS_SUPER_MAGIC && (st.Flags & Sys.ST_RDONLY) != 0;
        }
        finally { Sys.Close((int)fd); }
    }

    /// <summary>An O_PATH fd of /proc/self/exe's file seen through a detached read-only overlayfs, or -errno.</summary>
    internal static long OpenThroughOverlay(string spareLowerDir)
    {
        string? self = System.Environment.ProcessPath;
        string? dir = self is null ? null : Path.GetDirectoryName(self);
        if (dir is null || self!.EndsWith(" (deleted)", StringComparison.Ordinal)) return -Errno.ENOENT;
        var running = Sys.SizeAndMtime(Sys.AT_FDCWD, "/proc/self/exe", 0);

        long ctx = Sys.FsOpen("overlay");
        if (ctx < 0) return ctx;
        try
        {
            // The binary's directory on top, so an entry of the same name in the spare layer never hides it.
            long r = Sys.FsConfigString((int)ctx, "lowerdir", EscapeLayer(dir) + ":" + EscapeLayer(spareLowerDir));
            if (r < 0) return r;
            // xino is of no use here and, on by itself across filesystems, only logs to dmesg.
            Sys.FsConfigString((int)ctx, "xino", "off");
            if ((r = Sys.FsConfigCreate((int)ctx)) < 0) return r;
            long mnt = Sys.FsMount((int)ctx, Sys.MOUNT_ATTR_RDONLY | Sys.MOUNT_ATTR_NOSUID | Sys.MOUNT_ATTR_NODEV);
            if (mnt < 0) return mnt;
            try
            {
                long fd = Sys.OpenAt((int)mnt, Path.GetFileName(self), Sys.O_PATH | Sys.O_NOFOLLOW);
                if (fd < 0) return fd;
                // Replaced on disk since it started (an upgrade): init must be this very build, so copy instead.
                if (running is null || Sys.SizeAndMtime((int)fd, "", Sys.AT_EMPTY_PATH) != running)
                {
                    Sys.Close((int)fd);
                    return -Errno.ESTALE;
                }
                return fd;
            }
            finally { Sys.Close((int)mnt); }
        }
        finally { Sys.Close((int)ctx); }
    }

    /// <summary>overlayfs splits lowerdir at ':' and takes '\' as its escape.</summary>
    internal static string EscapeLayer(string path) => path.Replace(@"\", @"\\").Replace(":", @"\:");

    /// <summary>Returns a close-on-exec memfd holding a sealed copy of /proc/self/exe.</summary>
    internal static int OpenSealedCopy()
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

    /// <summary>The binary for init: ready, or a copy in progress. <see cref="Take"/> hands over the fd.</summary>
    internal sealed class PendingBinary : IDisposable
    {
        private readonly Thread? _thread;
        private int _fd = -1;
        private Exception? _error;

        internal PendingBinary(int fd) => _fd = fd;

        internal PendingBinary()
        {
            _thread = new Thread(() =>
            {
                try { _fd = OpenSealedCopy(); }
                catch (Exception e) { _error = e; }
            }, 256 * 1024) { IsBackground = true, Name = "ocirun-copy" };
            _thread.Start();
        }

        /// <summary>The binary's fd (close-on-exec); the caller owns it from here.</summary>
        internal int Take()
        {
            _thread?.Join();
            if (_error is not null) throw _error;
            int fd = _fd;
            _fd = -1;
            return fd;
        }

        public void Dispose()
        {
            _thread?.Join();
            Sys.Close(_fd);
            _fd = -1;
        }
    }
}
