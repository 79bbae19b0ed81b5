using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// maskedPaths and readonlyPaths, applied after pivot_root (paths are the container's), by descriptor from end to
/// end (CVE-2025-31133): each destination is opened once, resolved inside the root (a symlink is followed only
/// within it, RESOLVE_IN_ROOT), the mount lands on that fd, and the /dev/null a file is covered with is opened
/// without following any symlink and checked to be the null device (char 1:3) before it is used. A destination that does not exist is skipped (a kernel without that file);
/// anything else that goes wrong is an error naming the entry, never a mask that silently is not there.
/// </summary>
internal static class PathMasks
{
    private const ulong InRoot = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_MAGICLINKS;
    private const ulong NoSymlinks = InRoot | Sys.RESOLVE_NO_SYMLINKS;

    /// <summary>Files are covered with /dev/null, directories with an empty read-only tmpfs.</summary>
    internal static void Mask(IReadOnlyList<string>? paths)
    {
        if (paths is not { Count: > 0 }) return;
        int root = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY), "open /");
        int devNull = -1;
        try
        {
            for (int i = 0; i < paths.Count; i++)
            {
                string field = $"linux.maskedPaths[{i}]", path = paths[i];
                int dest = OpenDestination(root, path, field);
                if (dest < 0) continue;
                try
                {
                    var st = Sys.StatFd(dest, out int e) ?? throw Error(field, path, "stat", e);
                    if (st.Type == Sys.S_IFDIR)
                    {
                        long r = MountEmptyTmpfs(dest);
                        if (r < 0) throw Error(field, path, "mount a read-only tmpfs on it", (int)-r);
                    }
                    else
                    {
                        if (devNull < 0) devNull = OpenDevNull(root, field, path);
                        long r = Sys.TryBindFdOntoFd(devNull, dest);
                        if (r < 0) throw Error(field, path, "bind /dev/null on it", (int)-r);
                    }
                }
                finally { Sys.Close(dest); }
            }
        }
        finally
        {
            Sys.Close(devNull);
            Sys.Close(root);
        }
    }

    /// <summary>Each path becomes a read-only copy of itself (every mount under it read-only too), made from the
    /// opened destination and moved back onto it: the path is never looked up a second time.</summary>
    internal static void ReadOnly(IReadOnlyList<string>? paths)
    {
        if (paths is not { Count: > 0 }) return;
        int root = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY), "open /");
        try
        {
            for (int i = 0; i < paths.Count; i++)
            {
                string field = $"linux.readonlyPaths[{i}]", path = paths[i];
                int dest = OpenDestination(root, path, field);
                if (dest < 0) continue;
                try
                {
                    long tree = Sys.TryOpenTreeFd(dest, Sys.OPEN_TREE_CLONE | Sys.AT_RECURSIVE);
                    if (tree < 0) throw Error(field, path, "clone the mount", (int)-tree);
                    try
                    {
                        long r = Sys.TryMountSetattrFd((int)tree, true, Sys.MOUNT_ATTR_RDONLY, 0, 0, 0);
                        if (r < 0) throw Error(field, path, "make it read-only", (int)-r);
                        r = Sys.TryMoveMountFd((int)tree, dest);
                        if (r < 0) throw Error(field, path, "mount the read-only copy on it", (int)-r);
                    }
                    finally { Sys.Close((int)tree); }
                }
                finally { Sys.Close(dest); }
            }
        }
        finally { Sys.Close(root); }
    }

    internal static void ReadOnlyRoot()
    {
        int root = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY), "open /");
        try { Sys.Check(Sys.TryMountSetattrFd(root, false, Sys.MOUNT_ATTR_RDONLY, 0, 0, 0), "root.readonly: remount / read-only"); }
        finally { Sys.Close(root); }
    }

    /// <summary>The destination as an O_PATH fd, or -1 when it does not exist.</summary>
    private static int OpenDestination(int root, string path, string field)
    {
        long fd = Sys.TryOpenat2(root, path.TrimStart('/') is { Length: > 0 } rel ? rel : ".", Sys.O_PATH, InRoot);
        if (fd == -Errno.ENOENT) return -1;
        if (fd < 0) throw Error(field, path, "open", (int)-fd);
        return (int)fd;
    }

    /// <summary>The container's /dev/null, proven to be the null device: a mask made from anything else (a file the
    /// image or a shared /dev planted, a symlink to a host file) would expose that thing where a mask should be.</summary>
    /// <summary>Words for a file's type (and device numbers), for "/dev/null is not the null device but …".</summary>
    internal static string WhatFileIs(uint type, uint major, uint minor) => type switch
    {
        Sys.S_IFCHR => $"char {major}:{minor}",
        Sys.S_IFBLK => $"block {major}:{minor}",
        Sys.S_IFREG => "a regular file",
        Sys.S_IFDIR => "a directory",
        Sys.S_IFIFO => "a FIFO",
        _ => $"file type 0x{type:x}",
    };

    private static int OpenDevNull(int root, string field, string path)
    {
        long fd = Sys.TryOpenat2(root, "dev/null", Sys.O_PATH, NoSymlinks);
        if (fd < 0)
        {
            string why = fd == -Errno.ELOOP ? "it is a symlink" : SyscallException.Describe((int)-fd);
            throw new RuntimeError($"{field}: \"{path}\": cannot mask a file without the null device: /dev/null: {why}");
        }
        var st = Sys.StatFd((int)fd, out int e);
        if (st is not { } s || !s.IsCharDevice(1, 3))
        {
            Sys.Close((int)fd);
            string what = st is not { } t ? SyscallException.Describe(e) : WhatFileIs(t.Type, t.RdevMajor, t.RdevMinor);
            throw new RuntimeError($"{field}: \"{path}\": /dev/null is not the null device (char 1:3) but {what}: refusing to mask with it");
        }
        return (int)fd;
    }

    private static long MountEmptyTmpfs(int dest)
    {
        long ctx = Sys.TryFsOpen("tmpfs");
        if (ctx < 0) return ctx;
        try
        {
            long r = Sys.TryFsConfigCreate((int)ctx);
            if (r < 0) return r;
            long mnt = Sys.TryFsMount((int)ctx, Sys.MOUNT_ATTR_RDONLY);
            if (mnt < 0) return mnt;
            try { return Sys.TryMoveMountFd((int)mnt, dest); }
            finally { Sys.Close((int)mnt); }
        }
        finally { Sys.Close((int)ctx); }
    }

    private static RuntimeError Error(string field, string path, string step, int errno) =>
        new($"{field}: \"{path}\": {step}: {SyscallException.Describe(errno)}");
}
