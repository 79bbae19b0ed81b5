using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// The tmpcopyup extension: a tmpfs that starts with a copy of what the destination held. The tmpfs is made
/// detached, filled, then attached; the source is walked by descriptor from the destination fd, one openat with
/// O_NOFOLLOW per entry, so a directory renamed or swapped for a symlink while we copy (by anyone sharing that
/// directory) can never lead the copy to files outside it.
/// </summary>
internal static class TmpCopyUp
{
    private const int MaxDepth = 256;

    /// <summary>Returns the fd of the attached tmpfs.</summary>
    internal static int Mount(int underFd, string source, ulong flags, string? data, string destination)
    {
        int from = Sys.CheckFd(Sys.TryOpenAt(underFd, ".", Sys.O_RDONLY | Sys.O_DIRECTORY), $"tmpcopyup: open {destination}");
        int tree = -1, to = -1;
        try
        {
            // Writable while it is filled; a read-only one is remounted after.
            tree = FdMount.NewFilesystem("tmpfs", source, flags & ~Sys.MS_RDONLY, data);
            to = Sys.CheckFd(Sys.TryOpenAt(tree, ".", Sys.O_RDONLY | Sys.O_DIRECTORY), "tmpcopyup: open the new tmpfs");
            CopyDir(from, to, destination, 0);
            FdMount.Attach(tree, underFd, $"tmpfs on {destination}");
            // The top keeps tmpfs's owner, as with runc; its mode comes from the mount data (MountSetup).
            if ((flags & Sys.MS_RDONLY) != 0) Sys.Mount(null, RootfsDir.ProcFd(tree), null, Sys.MS_REMOUNT | flags, data);
            int done = tree;
            tree = -1;
            return done;
        }
        finally
        {
            Sys.Close(to);
            Sys.Close(tree);
            Sys.Close(from);
        }
    }

    private static void CopyDir(int from, int to, string where, int depth)
    {
        if (depth > MaxDepth) throw new RuntimeError($"tmpcopyup: {where}: deeper than {MaxDepth} directories");
        foreach (var name in Names(from, where))
        {
            string path = where + "/" + name;
            Sys.Check(Sys.TryOwnerAndMode(from, name, out uint uid, out uint gid, out uint mode), $"tmpcopyup: stat {path}");
            switch (mode & Sys.S_IFMT)
            {
                case Sys.S_IFDIR: CopySubdir(from, to, name, path, depth); break;
                case Sys.S_IFREG: CopyFile(from, to, name, path); break;
                case Sys.S_IFLNK: CopyLink(from, to, name, path, uid, gid); break;
                default: break; // device nodes, fifos and sockets are not copied (runc copies regular content only)
            }
        }
    }

    private static void CopySubdir(int from, int to, string name, string path, int depth)
    {
        // O_NOFOLLOW|O_DIRECTORY: if the entry stopped being a directory since the stat, this fails instead of
        // following what replaced it.
        int sub = Sys.CheckFd(Sys.TryOpenAt(from, name, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW), $"tmpcopyup: open {path}");
        int made = -1;
        try
        {
            Sys.Check(Sys.TryOwnerAndMode(sub, "", out uint uid, out uint gid, out uint mode), $"tmpcopyup: stat {path}");
            Sys.Check(Sys.TryMkdirAt(to, name, 0x1c0), $"tmpcopyup: mkdir {path}");
            made = Sys.CheckFd(Sys.TryOpenAt(to, name, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW), $"tmpcopyup: open the copy of {path}");
            CopyDir(sub, made, path, depth + 1);
            Owner(made, uid, gid, mode, path);
        }
        finally
        {
            Sys.Close(made);
            Sys.Close(sub);
        }
    }

    private static void CopyFile(int from, int to, string name, string path)
    {
        int src = Sys.CheckFd(Sys.TryOpenAt(from, name, Sys.O_RDONLY | Sys.O_NOFOLLOW | Sys.O_NONBLOCK), $"tmpcopyup: open {path}");
        int dst = -1;
        try
        {
            Sys.Check(Sys.TryOwnerAndMode(src, "", out uint uid, out uint gid, out uint mode), $"tmpcopyup: stat {path}");
            if ((mode & Sys.S_IFMT) != Sys.S_IFREG) throw new RuntimeError($"tmpcopyup: {path} changed while it was copied");
            dst = Sys.CheckFd(Sys.TryOpenAt(to, name, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL | Sys.O_NOFOLLOW, 0x180), $"tmpcopyup: create the copy of {path}");
            for (;;)
            {
                long n = Sys.Check(Sys.TrySendFile(dst, src, 1 << 30), $"tmpcopyup: copy {path}");
                if (n == 0) break;
            }
            Owner(dst, uid, gid, mode, path);
        }
        finally
        {
            Sys.Close(dst);
            Sys.Close(src);
        }
    }

    private static void CopyLink(int from, int to, string name, string path, uint uid, uint gid)
    {
        // A link is copied as a link: what it names is resolved inside the container, never here.
        string target = Sys.ReadLinkAt(from, name) ?? throw new RuntimeError($"tmpcopyup: readlink {path} failed");
        Sys.Check(Sys.TrySymlinkAt(target, to, name), $"tmpcopyup: symlink {path}");
        Sys.Check(Sys.TryFchownAt(to, name, uid, gid, Sys.AT_SYMLINK_NOFOLLOW), $"tmpcopyup: chown {path}");
    }

    private static void Owner(int fd, uint uid, uint gid, uint mode, string path)
    {
        Sys.Check(Sys.Fast(Nr.fchown, fd, uid, gid), $"tmpcopyup: chown {path}");
        // After the chown, which clears set-id bits.
        Sys.Check(Sys.TryFchmod(fd, mode & 0xfff), $"tmpcopyup: chmod {path}");
    }

    /// <summary>The entries of a directory fd, "." and ".." left out.</summary>
    private static List<string> Names(int dirFd, string where)
    {
        var names = new List<string>();
        var buf = new byte[32 * 1024];
        for (;;)
        {
            long n = Sys.Check(Sys.TryGetdents(dirFd, buf), $"tmpcopyup: read directory {where}");
            if (n == 0) return names;
            for (int off = 0; off < n;)
            {
                int reclen = BitConverter.ToUInt16(buf, off + 16);
                int start = off + 19, end = Array.IndexOf(buf, (byte)0, start, reclen - 19);
                string name = Encoding.UTF8.GetString(buf, start, (end < 0 ? off + reclen : end) - start);
                if (name is not "." and not "..") names.Add(name);
                off += reclen;
            }
        }
    }
}
