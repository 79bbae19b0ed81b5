using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// tmpcopyup in the zone (TmpCopyUp's walk, allocation-free): the destination's tree copied into the detached
/// tmpfs before it is attached, walked by descriptor, one openat with O_NOFOLLOW per entry, so a directory renamed
/// or swapped for a symlink while it is copied can never lead the copy outside it. Regular files, directories and
/// symlinks (as links) are copied with owner and mode; devices, fifos and sockets are not (as runc).
/// Each level of the tree takes one small stack frame (a getdents buffer and a name).
/// </summary>
internal static unsafe class TmpCopyUpRoutine
{
    private const int MaxDepth = 256, DirentBuffer = 1024, LinkMax = 4096; // a dirent is at most 280 bytes

    private const int OpenDest = 1, ReadDir = 2, Stat = 3, Open = 4, Mkdir = 5, Create = 6, CopyData = 7, Chown = 8,
        Chmod = 9, Readlink = 10, Symlink = 11, Changed = 12, TooDeep = 13, OpenTmpfs = 14;

    internal static string StepName(int detail) => detail switch
    {
        OpenDest => "tmpcopyup: open the destination",
        ReadDir => "tmpcopyup: read a directory",
        Stat => "tmpcopyup: stat an entry",
        Open => "tmpcopyup: open an entry",
        Mkdir => "tmpcopyup: mkdir a copy",
        Create => "tmpcopyup: create a copy",
        CopyData => "tmpcopyup: copy a file",
        Chown => "tmpcopyup: chown a copy",
        Chmod => "tmpcopyup: chmod a copy",
        Readlink => "tmpcopyup: readlink",
        Symlink => "tmpcopyup: symlink",
        Changed => "tmpcopyup: an entry changed while it was copied",
        TooDeep => $"tmpcopyup: deeper than {MaxDepth} directories",
        OpenTmpfs => "tmpcopyup: open the new tmpfs",
        _ => "tmpcopyup",
    };

    internal static long Copy(ZoneState* z, long destPathFd, long tree)
    {
        byte* dot = stackalloc byte[2] { (byte)'.', 0 };
        long from = Sys.Fast(Nr.openat, destPathFd, (long)dot, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC);
        if (from < 0) { z->Detail = OpenDest; return from; }
        long to = Sys.Fast(Nr.openat, tree, (long)dot, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_CLOEXEC);
        if (to < 0) { Sys.Fast(Nr.close, from); z->Detail = OpenTmpfs; return to; }
        long r = CopyDir(z, from, to, 0);
        Sys.Fast(Nr.close, to);
        Sys.Fast(Nr.close, from);
        return r < 0 ? r : 0;
    }

    private static long CopyDir(ZoneState* z, long from, long to, int depth)
    {
        if (depth > MaxDepth) { z->Detail = TooDeep; return -Errno.ELOOP; }
        byte* buf = stackalloc byte[DirentBuffer];
        for (;;)
        {
            long n = Sys.Fast(Nr.getdents64, from, (long)buf, DirentBuffer);
            if (n < 0) { z->Detail = ReadDir; return n; }
            if (n == 0) return 0;
            for (long off = 0; off < n;)
            {
                int reclen = *(ushort*)(buf + off + 16);
                byte* name = buf + off + 19;
                off += reclen;
                if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
                long r = StatEntry(from, name, out uint uid, out uint gid, out uint mode);
                if (r < 0) { z->Detail = Stat; return r; }
                r = (mode & Sys.S_IFMT) switch
                {
                    Sys.S_IFDIR => CopySubdir(z, from, to, name, depth),
                    Sys.S_IFREG => CopyFile(z, from, to, name),
                    Sys.S_IFLNK => CopyLink(z, from, to, name, uid, gid),
                    _ => 0,
                };
                if (r < 0) return r;
            }
        }
    }

    private static long StatEntry(long dir, byte* name, out uint uid, out uint gid, out uint mode)
    {
        StatxBuffer sx;
        long r = Sys.TryStatx(dir, name, Sys.AT_SYMLINK_NOFOLLOW, Sys.STATX_MODE | Sys.STATX_UID | Sys.STATX_GID, &sx);
        uid = r < 0 ? 0 : sx.Uid;
        gid = r < 0 ? 0 : sx.Gid;
        mode = r < 0 ? 0u : sx.Mode;
        return r;
    }

    private static long CopySubdir(ZoneState* z, long from, long to, byte* name, int depth)
    {
        // O_NOFOLLOW|O_DIRECTORY: if the entry stopped being a directory since the stat, this fails instead of
        // following what replaced it.
        long sub = Sys.Fast(Nr.openat, from, (long)name, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC);
        if (sub < 0) { z->Detail = Open; return sub; }
        long r = StatEntry(sub, null, out uint uid, out uint gid, out uint mode);
        if (r < 0) { Sys.Fast(Nr.close, sub); z->Detail = Stat; return r; }
        r = Sys.Fast(Nr.mkdirat, to, (long)name, 0b111_000_000);
        if (r < 0) { Sys.Fast(Nr.close, sub); z->Detail = Mkdir; return r; }
        long made = Sys.Fast(Nr.openat, to, (long)name, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC);
        if (made < 0) { Sys.Fast(Nr.close, sub); z->Detail = Open; return made; }
        r = CopyDir(z, sub, made, depth + 1);
        if (r >= 0) r = Owner(z, made, uid, gid, mode);
        Sys.Fast(Nr.close, made);
        Sys.Fast(Nr.close, sub);
        return r;
    }

    private static long CopyFile(ZoneState* z, long from, long to, byte* name)
    {
        long src = Sys.Fast(Nr.openat, from, (long)name, Sys.O_RDONLY | Sys.O_NOFOLLOW | Sys.O_NONBLOCK | Sys.O_CLOEXEC);
        if (src < 0) { z->Detail = Open; return src; }
        long r = StatEntry(src, null, out uint uid, out uint gid, out uint mode);
        if (r < 0) { Sys.Fast(Nr.close, src); z->Detail = Stat; return r; }
        if ((mode & Sys.S_IFMT) != Sys.S_IFREG) { Sys.Fast(Nr.close, src); z->Detail = Changed; return -Errno.EIO; }
        long dst = Sys.Fast(Nr.openat, to, (long)name, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL | Sys.O_NOFOLLOW | Sys.O_CLOEXEC, 0b110_000_000);
        if (dst < 0) { Sys.Fast(Nr.close, src); z->Detail = Create; return dst; }
        for (;;)
        {
            r = Sys.Fast(Nr.sendfile, dst, src, 0, 1 << 30);
            if (r == -Errno.EINTR) continue;
            if (r <= 0) break;
        }
        if (r < 0) z->Detail = CopyData;
        else r = Owner(z, dst, uid, gid, mode);
        Sys.Fast(Nr.close, dst);
        Sys.Fast(Nr.close, src);
        return r;
    }

    private static long CopyLink(ZoneState* z, long from, long to, byte* name, uint uid, uint gid)
    {
        // A link is copied as a link: what it names is resolved inside the container, never here.
        byte* target = z->Scratch;
        long n = Sys.Fast(Nr.readlinkat, from, (long)name, (long)target, LinkMax - 1);
        if (n < 0) { z->Detail = Readlink; return n; }
        target[n] = 0;
        long r = Sys.Fast(Nr.symlinkat, (long)target, to, (long)name);
        if (r < 0) { z->Detail = Symlink; return r; }
        r = Sys.Fast(Nr.fchownat, to, (long)name, uid, gid, Sys.AT_SYMLINK_NOFOLLOW);
        if (r < 0) { z->Detail = Chown; return r; }
        return 0;
    }

    private static long Owner(ZoneState* z, long fd, uint uid, uint gid, uint mode)
    {
        long r = Sys.Fast(Nr.fchown, fd, uid, gid);
        if (r < 0) { z->Detail = Chown; return r; }
        // After the chown, which clears set-id bits.
        r = Sys.Fast(Nr.fchmod, fd, mode & 0xfff);
        if (r < 0) { z->Detail = Chmod; return r; }
        return 0;
    }
}
