using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Zone routines of the mount family: destinations resolved inside the root (openat2 with RESOLVE_IN_ROOT, one part at a time), the /proc
/// rules on where an fd really lies (ProcMountRules), attaching a detached mount verified, a
/// directory's mode for a tmpfs over it, and tmpcopyup's copy (TmpCopyUpRoutine). Allocation-free (ForkSafe.cs
/// rules): raw system calls, stack buffers and the zone's scratch only.
/// </summary>
internal static unsafe class MountRoutines
{
    /// <summary>a0: root fd, a1: path relative to it ("." for the root), a2: 1 to make a missing last part an empty
    /// file, a3: mode of directories made. Result: an O_PATH fd of it (every walk openat2
    /// RESOLVE_IN_ROOT, missing parts made under the parent's fd, a dangling symlink's target made as the root
    /// sees it). Detail: 1 open, 2 create, 3 open after create, 4 too many symlinks.</summary>
    public const int Resolve = OpKind.MountFirst + 0;
    /// <summary>a0: root fd, a1: clean relative path. Result: an O_PATH fd reached through directories only, no
    /// symlink on the way. Detail: k, the k-th part is a symlink or not a directory;
    /// CreateFailed + k, OpenFailed + k.</summary>
    public const int ResolveOrdinary = OpKind.MountFirst + 1;
    /// <summary>a0: procfs fd, a1: root fd, a2: destination fd, a3: 1 if a proc filesystem (or a bind of one) may
    /// land on /proc, a4: the allow-list (C strings, an empty one last). Result 0, or -EPERM with detail 1 (lies on
    /// /proc) or 2 (inside /proc, not allowed); -EXDEV detail 3 outside the root; detail 4 readlink.</summary>
    public const int CheckProc = OpKind.MountFirst + 2;
    /// <summary>a0: root fd, a1: relative path. Result 1 if it resolves inside the root, else 0.</summary>
    public const int Exists = OpKind.MountFirst + 3;
    /// <summary>a0: detached mount fd, a1: destination fd. move_mount, then the checks: the tree
    /// is a mount root of its own, on the destination's mount. Detail: 1 statx the destination, 2 move_mount,
    /// 3 statx after, 4 not a mount of its own there, 5 on another mount than the destination's.</summary>
    public const int Attach = OpKind.MountFirst + 4;
    /// <summary>a0: fd, a1: buffer of 16 bytes. Writes the permission bits as "0755". Result 0.</summary>
    public const int ModeOf = OpKind.MountFirst + 5;
    /// <summary>a0: O_PATH fd of the destination, a1: the detached tmpfs. Copies the tree by descriptor
    /// (TmpCopyUpRoutine). Detail: TmpCopyUpRoutine's steps.</summary>
    public const int CopyUp = OpKind.MountFirst + 6;

    /// <summary>a0: host path of a bind source, a1: 0 for "is it not a directory", 1 for "is it on a procfs".
    /// Result 1 or 0, or -errno (the source is missing).</summary>
    public const int SourceKind = OpKind.MountFirst + 7;
    /// <summary>a0: fd of the destination, a1: mount(2) flags with MS_REMOUNT, a2: data or 0. mount(2) through the
    /// fd's /proc/self/fd link (the "remount" option).</summary>
    public const int Remount = OpKind.MountFirst + 8;

    /// <summary>a0: procfs fd, a1: detached tree, a2: uid_map text, a3: gid_map text, a4: 1 for a recursive
    /// idmap. MOUNT_ATTR_IDMAP with a user namespace holding the mount's own mappings (IdMapRoutine).</summary>
    public const int IdMap = OpKind.MountFirst + 9;

    /// <summary>a0: the rootfs path. In a joined mount namespace: the mount holding the rootfs made private when
    /// it is shared (RootParentRoutine). Result 1 made private, 0 left alone.</summary>
    public const int PrivateRootParent = OpKind.MountFirst + 10;

    internal const int CreateFailed = 1000, OpenFailed = 2000;

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        Resolve => MkdirAll(z, a[0], (byte*)a[1], a[2] != 0, a[3], 0),
        ResolveOrdinary => MkdirOrdinary(z, a[0], (byte*)a[1]),
        CheckProc => CheckProcRules(z, a[0], a[1], a[2], a[3] != 0, (byte*)a[4]),
        Exists => ExistsInRoot(a[0], (byte*)a[1]),
        Attach => AttachTree(z, a[0], a[1]),
        ModeOf => WriteMode(a[0], (byte*)a[1]),
        CopyUp => TmpCopyUpRoutine.Copy(z, a[0], a[1]),
        SourceKind => SourceIs((byte*)a[0], a[1]),
        Remount => RemountFd(z, a[0], a[1], (byte*)a[2]),
        IdMap => IdMapRoutine.Run(z, a[0], a[1], (byte*)a[2], (byte*)a[3], a[4]),
        PrivateRootParent => RootParentRoutine.Run(z, (byte*)a[0]),
        _ => -Errno.ENOSYS,
    };

    // ---- words, for the parent's one-line error ----

    internal static string ResolveWords(int errno, int detail) => detail switch
    {
        1 => $"open: {SyscallException.Describe(errno)}",
        2 => $"create a missing part: {SyscallException.Describe(errno)}",
        3 => $"open a part just made: {SyscallException.Describe(errno)}",
        4 => "too many symlinks",
        _ => SyscallException.Describe(errno),
    };

    internal static string CheckProcWords(int errno, int detail) => detail switch
    {
        1 => "resolves to /proc, which takes only a proc filesystem or a bind of one",
        2 => $"resolves to a path inside /proc (only {string.Join(", ", Rootfs.ProcMountRules.Allowed)} may be mounted over there)",
        3 => "destination fd lies outside the rootfs",
        4 => $"readlink the destination: {SyscallException.Describe(errno)}",
        _ => SyscallException.Describe(errno),
    };

    internal static string AttachWords(int errno, int detail) => detail switch
    {
        1 => $"statx the destination: {SyscallException.Describe(errno)}",
        2 => $"move_mount: {SyscallException.Describe(errno)}",
        3 => $"statx after mounting: {SyscallException.Describe(errno)}",
        4 => "the mount is not where it was attached",
        5 => "mounted on another mount than the destination's",
        _ => SyscallException.Describe(errno),
    };

    internal static string SourceWords(int errno, int detail) =>
        errno == Errno.ENOENT ? "no such file or directory" : SyscallException.Describe(errno);

    internal static string CopyUpWords(int errno, int detail) => $"{TmpCopyUpRoutine.StepName(detail)}: {SyscallException.Describe(errno)}";

    /// <summary>The allow-list as the routine reads it: C strings one after another, an empty one last.</summary>
    internal static byte[] AllowList(IReadOnlyList<string> paths)
    {
        var bytes = new List<byte>();
        foreach (var s in paths) { bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(s)); bytes.Add(0); }
        bytes.Add(0);
        return bytes.ToArray();
    }

    // ---- the routines ----

    private const int PathMax = 4096;
    private const ulong Strict = Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_MAGICLINKS;

    private static long MkdirAll(ZoneState* z, long root, byte* rel, bool asFile, long mode, int links)
    {
        if (links > 40) { z->Detail = 4; return -Errno.ELOOP; }
        long fd = ZoneLib.Openat2(root, rel, Sys.O_PATH, ZoneLib.InRoot);
        if (fd >= 0) return fd;
        if (fd != -Errno.ENOENT) { z->Detail = 1; return fd; }

        // p holds the path; p[0..end) is the prefix walked so far (its end NUL'd while it is opened).
        byte* p = stackalloc byte[PathMax];
        byte* link = stackalloc byte[PathMax];
        int len = ZoneLib.Append(p, 0, PathMax, rel);
        if (len < 0) { z->Detail = 1; return -Errno.ENAMETOOLONG; }
        byte* dot = stackalloc byte[2] { (byte)'.', 0 };
        long parent = ZoneLib.Openat2(root, dot, Sys.O_PATH, ZoneLib.InRoot);
        if (parent < 0) { z->Detail = 1; return parent; }
        int i = 0;
        while (i < len)
        {
            while (i < len && p[i] == '/') i++;
            if (i >= len) break;
            int start = i;
            while (i < len && p[i] != '/') i++;
            int end = i;
            int rest = end;
            while (rest < len && p[rest] == '/') rest++;
            bool last = rest >= len;
            byte save = p[end];
            p[end] = 0;
            long next = ZoneLib.Openat2(root, p, Sys.O_PATH, ZoneLib.InRoot);
            if (next == -Errno.ENOENT)
            {
                byte* name = p + start;
                long r = last && asFile
                    ? Sys.Fast(Nr.mknodat, parent, (long)name, Sys.S_IFREG | 0b110_100_100, 0)
                    : Sys.Fast(Nr.mkdirat, parent, (long)name, mode);
                if (r < 0 && r != -Errno.EEXIST) { Sys.Fast(Nr.close, parent); z->Detail = 2; return r; }
                // Re-resolve: whatever is there now (even a symlink raced in) is followed only inside the root.
                next = ZoneLib.Openat2(root, p, Sys.O_PATH, ZoneLib.InRoot);
                if (next == -Errno.ENOENT && r == -Errno.EEXIST)
                {
                    long n = Sys.Fast(Nr.readlinkat, parent, (long)name, (long)link, PathMax - 1);
                    if (n > 0 && n + start < PathMax - 1)
                    {
                        // A dangling symlink: make what it points to, as the root sees it (runc's SecureJoin does the
                        // same). A relative target is walked from the link's directory, ".." included, by openat2.
                        link[n] = 0;
                        byte* target = link;
                        if (link[0] == '/') { while (*target == '/') target++; }
                        else
                        {
                            for (long k = n; k >= 0; k--) link[k + start] = link[k];
                            for (int k = 0; k < start; k++) link[k] = p[k];
                        }
                        if (*target == 0) target = dot;
                        long made = MkdirAll(z, root, target, last && asFile, mode, links + 1);
                        if (made < 0) { Sys.Fast(Nr.close, parent); return made; }
                        Sys.Fast(Nr.close, made);
                        next = ZoneLib.Openat2(root, p, Sys.O_PATH, ZoneLib.InRoot);
                    }
                }
                if (next < 0) { Sys.Fast(Nr.close, parent); z->Detail = 3; return next; }
            }
            if (next < 0) { Sys.Fast(Nr.close, parent); z->Detail = 1; return next; }
            Sys.Fast(Nr.close, parent);
            parent = next;
            p[end] = save;
        }
        return parent;
    }

    private static long MkdirOrdinary(ZoneState* z, long root, byte* rel)
    {
        byte* dot = stackalloc byte[2] { (byte)'.', 0 };
        long parent = ZoneLib.Openat2(root, dot, Sys.O_PATH | Sys.O_DIRECTORY, Strict);
        if (parent < 0) { z->Detail = OpenFailed; return parent; }
        if (rel[0] == '.' && rel[1] == 0) return parent;
        byte* part = stackalloc byte[256];
        int i = 0, k = 0;
        while (rel[i] != 0)
        {
            int n = 0;
            while (rel[i] != 0 && rel[i] != '/')
            {
                if (n >= 255) { Sys.Fast(Nr.close, parent); z->Detail = OpenFailed + k + 1; return -Errno.ENAMETOOLONG; }
                part[n++] = rel[i++];
            }
            part[n] = 0;
            while (rel[i] == '/') i++;
            if (n == 0) continue;
            k++;
            long next = ZoneLib.Openat2(parent, part, Sys.O_PATH | Sys.O_DIRECTORY, Strict);
            if (next == -Errno.ENOENT)
            {
                long r = Sys.Fast(Nr.mkdirat, parent, (long)part, 0b111_101_101);
                if (r < 0 && r != -Errno.EEXIST) { Sys.Fast(Nr.close, parent); z->Detail = CreateFailed + k; return r; }
                next = ZoneLib.Openat2(parent, part, Sys.O_PATH | Sys.O_DIRECTORY, Strict);
            }
            if (next == -Errno.ELOOP || next == -Errno.ENOTDIR || next == -Errno.EXDEV)
            {
                Sys.Fast(Nr.close, parent);
                z->Detail = k;
                return next;
            }
            if (next < 0) { Sys.Fast(Nr.close, parent); z->Detail = OpenFailed + k; return next; }
            Sys.Fast(Nr.close, parent);
            parent = next;
        }
        return parent;
    }

    private static long ExistsInRoot(long root, byte* rel)
    {
        long fd = ZoneLib.Openat2(root, rel, Sys.O_PATH, ZoneLib.InRoot);
        if (fd < 0) return 0;
        Sys.Fast(Nr.close, fd);
        return 1;
    }

    /// <summary>Where an fd lies as the kernel names it (readlink of the procfs's self/fd/N), into buf.</summary>
    private static long FdPath(long procFd, long fd, byte* buf, int cap)
    {
        byte* name = stackalloc byte[40];
        byte* prefix = stackalloc byte[9] { (byte)'s', (byte)'e', (byte)'l', (byte)'f', (byte)'/', (byte)'f', (byte)'d', (byte)'/', 0 };
        if (ZoneLib.PathWithNumber(name, 40, prefix, fd) < 0) return -Errno.ENAMETOOLONG;
        long n = Sys.Fast(Nr.readlinkat, procFd, (long)name, (long)buf, cap - 1);
        if (n < 0) return n;
        if (n >= cap - 1) return -Errno.ENAMETOOLONG;
        buf[n] = 0;
        return n;
    }

    private static long CheckProcRules(ZoneState* z, long procFd, long root, long dest, bool mayBeProc, byte* allow)
    {
        byte* rootPath = z->Scratch;
        byte* at = z->Scratch + PathMax;
        long rn = FdPath(procFd, root, rootPath, PathMax);
        if (rn < 0) { z->Detail = 4; return rn; }
        long an = FdPath(procFd, dest, at, PathMax);
        if (an < 0) { z->Detail = 4; return an; }
        if (rn == an && ZoneLib.Equal(rootPath, (int)rn, at)) return 0; // the root itself
        // The path inside the root, with its leading slash: at + (rn when the root is not "/", else 0).
        int skip = rn == 1 && rootPath[0] == '/' ? 0 : (int)rn;
        if (an <= skip || at[skip] != '/') { z->Detail = 3; return -Errno.EXDEV; }
        for (int i = 0; i < skip; i++) if (at[i] != rootPath[i]) { z->Detail = 3; return -Errno.EXDEV; }
        byte* inRoot = at + skip;
        int len = (int)an - skip;
        byte* proc = stackalloc byte[6] { (byte)'/', (byte)'p', (byte)'r', (byte)'o', (byte)'c', 0 };
        if (ZoneLib.Equal(proc, 5, inRoot))
        {
            if (mayBeProc) return 0;
            z->Detail = 1;
            return -Errno.EPERM;
        }
        if (len <= 6) return 0;
        for (int i = 0; i < 5; i++) if (inRoot[i] != proc[i]) return 0;
        if (inRoot[5] != '/') return 0;
        for (byte* s = allow; *s != 0; s += ZoneLib.Strlen(s) + 1)
            if (ZoneLib.Equal(s, ZoneLib.Strlen(s), inRoot)) return 0;
        z->Detail = 2;
        return -Errno.EPERM;
    }


    /// <summary>statx of the fd itself: mount id (unique where the kernel has it) and whether it is a mount root.</summary>
    private static long MountOf(long fd, out ulong mountId, out bool unique, out bool mountRoot)
    {
        StatxBuffer sx;
        mountId = 0; unique = false; mountRoot = false;
        long r = Sys.TryStatxWithMount(fd, null, Sys.AT_SYMLINK_NOFOLLOW, &sx);
        if (r < 0) return r;
        unique = sx.HasUniqueMountId;
        mountRoot = sx.IsMountRoot;
        mountId = sx.MountId;
        return 0;
    }

    private static long AttachTree(ZoneState* z, long tree, long dest)
    {
        long r = MountOf(dest, out ulong under, out bool underUnique, out _);
        if (r < 0) { z->Detail = 1; return r; }
        byte empty = 0;
        r = Sys.Fast(Nr.move_mount, tree, (long)&empty, dest, (long)&empty, Sys.MOVE_MOUNT_F_EMPTY_PATH | Sys.MOVE_MOUNT_T_EMPTY_PATH);
        if (r < 0) { z->Detail = 2; return r; }
        r = MountOf(tree, out ulong top, out bool topUnique, out bool topIsRoot);
        if (r < 0) { z->Detail = 3; return r; }
        if (!topIsRoot || top == under) { z->Detail = 4; return -Errno.EXDEV; }
        if (topUnique && underUnique)
        {
            long parent = Sys.TryMountParentOf(top); // allocation-free: raw statmount into stack buffers
            if (parent >= 0 && (ulong)parent != under) { z->Detail = 5; return -Errno.EXDEV; }
        }
        return 0;
    }

    private static long SourceIs(byte* path, long which)
    {
        if (which == 1)
        {
            StatfsBuffer st;
            long r = Sys.TryStatfs(path, &st);
            return r < 0 ? r : st.Type == Sys.PROC_SUPER_MAGIC ? 1 : 0;
        }
        StatxBuffer sx;
        long s = Sys.TryStatx(Sys.AT_FDCWD, path, 0, Sys.STATX_TYPE, &sx);
        if (s < 0) return s;
        return sx.Type == Sys.S_IFDIR ? 0 : 1;
    }

    private static long RemountFd(ZoneState* z, long fd, long flags, byte* data)
    {
        byte* path = z->Scratch;
        byte* prefix = stackalloc byte[15] { (byte)'/', (byte)'p', (byte)'r', (byte)'o', (byte)'c', (byte)'/', (byte)'s', (byte)'e', (byte)'l', (byte)'f', (byte)'/', (byte)'f', (byte)'d', (byte)'/', 0 };
        if (ZoneLib.PathWithNumber(path, 64, prefix, fd) < 0) return -Errno.ENAMETOOLONG;
        return Sys.Fast(Nr.mount, 0, (long)path, 0, flags, (long)data);
    }

    private static long WriteMode(long fd, byte* buf)
    {
        StatxBuffer sx;
        long r = Sys.TryStatx(fd, null, 0, Sys.STATX_MODE, &sx);
        if (r < 0) return r;
        int mode = sx.Mode & 0xfff;
        // "0" and the octal digits, most significant first (at most four).
        byte* d = stackalloc byte[4];
        int n = 0;
        do { d[n++] = (byte)('0' + (mode & 7)); mode >>= 3; } while (mode != 0 && n < 4);
        buf[0] = (byte)'0';
        for (int i = 0; i < n; i++) buf[1 + i] = d[n - 1 - i];
        buf[1 + n] = 0;
        return 0;
    }
}
