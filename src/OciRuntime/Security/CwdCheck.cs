using OciRuntime.Interop;

namespace OciRuntime.Security;

/// <summary>
/// CVE-2024-21626: after chdir to process.cwd, the working directory must lie inside the container's root. A
/// path through a descriptor that still refers to a host directory (process.cwd "/proc/self/fd/7") lands outside
/// it, and getcwd(2) then answers with the "(unreachable)" prefix (or fails): refuse to run there.
/// The answer must not depend on the seccomp profile, which may already be loaded and may deny getcwd (or fake its
/// result): whenever getcwd gives no plain absolute path, the working directory is walked up through ".." by
/// descriptor until it meets the root (inside) or a directory that is its own parent and is not the root (outside).
/// </summary>
internal static class CwdCheck
{
    internal static unsafe void Verify(string cwd)
    {
        byte* buf = stackalloc byte[4096];
        long r = Sys.Fast(Nr.getcwd, (long)buf, 4096);
        if ((r > 0 && buf[0] == (byte)'/') || r == -Errno.ERANGE) return; // a path inside the root (or too long to say)
        if (r > 0 && buf[0] != (byte)'/')
            throw Outside(cwd);
        // getcwd failed (ENOENT for an unreachable directory, or whatever a profile answers): ask the tree itself.
        int inside = WalkUpMeetsRoot();
        if (inside == 0) throw Outside(cwd);
        if (inside < 0) throw new RuntimeError($"process.cwd: check {cwd} is inside the container's root: {SyscallException.Describe(-inside)}");
    }

    private static RuntimeError Outside(string cwd) =>
        new($"process.cwd: {cwd} is outside the container's root (a leaked host descriptor?); refusing to run there");

    /// <summary>1 when walking up from "." reaches "/", 0 when it tops out elsewhere, -errno on failure.</summary>
    private static int WalkUpMeetsRoot()
    {
        long root = Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY);
        if (root < 0) return (int)root;
        long rs = Identity((int)root, out ulong rootDev, out ulong rootIno);
        Sys.Close((int)root);
        if (rs < 0) return (int)rs;
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, ".", Sys.O_PATH | Sys.O_DIRECTORY);
        if (fd < 0) return (int)fd;
        try
        {
            for (int depth = 0; depth < 4096; depth++)
            {
                long s = Identity((int)fd, out ulong dev, out ulong ino);
                if (s < 0) return (int)s;
                if (dev == rootDev && ino == rootIno) return 1;
                long up = Sys.TryOpenAt((int)fd, "..", Sys.O_PATH | Sys.O_DIRECTORY);
                if (up < 0) return (int)up;
                Sys.Close((int)fd);
                fd = up;
                s = Identity((int)fd, out ulong upDev, out ulong upIno);
                if (s < 0) return (int)s;
                // Its own parent: the top of a tree that is not our root.
                if (upDev == dev && upIno == ino) return 0;
            }
            return 0;
        }
        finally { Sys.Close((int)fd); }
    }

    /// <summary>st_dev and st_ino of a descriptor (fstat; struct stat on x86_64 starts with both).</summary>
    private static unsafe long Identity(int fd, out ulong dev, out ulong ino)
    {
        byte* st = stackalloc byte[144];
        long r = Sys.Fast(Nr.fstat, fd, (long)st);
        dev = *(ulong*)st;
        ino = *(ulong*)(st + 8);
        return r;
    }
}
