using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// The rootfs as a directory fd. Paths inside it are resolved with openat2(RESOLVE_IN_ROOT): a symlink,
/// even one swapped in during setup, can never lead outside (CVE-2021-30465). Mounts then target the
/// resolved fd (move_mount, or mount(2) through /proc/self/fd), never the path again.
/// </summary>
internal sealed class RootfsDir : IDisposable
{
    public int Fd { get; private set; }
    public string HostPath { get; }

    public RootfsDir(string hostPath)
    {
        HostPath = hostPath;
        Fd = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, hostPath, Sys.O_PATH | Sys.O_DIRECTORY), $"open rootfs {hostPath}");
    }

    private const ulong Resolve = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_MAGICLINKS;

    /// <summary>Opens an existing path inside the rootfs (O_PATH); returns the fd or -errno.</summary>
    public long Open(string path, int flags = Sys.O_PATH) => Sys.TryOpenat2(Fd, Rel(path), flags, Resolve);

    /// <summary>Makes sure <paramref name="path"/> exists inside the rootfs as a directory, or as an empty file
    /// when <paramref name="asFile"/>; returns an O_PATH fd of it.</summary>
    public int MkdirAll(string path, bool asFile, uint mode = 0x1ed) => MkdirAll(path, asFile, mode, 0);

    private int MkdirAll(string path, bool asFile, uint mode, int links)
    {
        if (links > 40) throw new SyscallException($"create {path} in rootfs", Errno.ELOOP);
        string rel = Rel(path);
        long fd = Sys.TryOpenat2(Fd, rel, Sys.O_PATH, Resolve);
        if (fd >= 0) return (int)fd;
        if (fd != -Errno.ENOENT) throw new SyscallException($"open {path} in rootfs", (int)-fd);

        var parts = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int parent = (int)Sys.Check(Sys.TryOpenat2(Fd, ".", Sys.O_PATH, Resolve), "open rootfs");
        try
        {
            for (int i = 0; i < parts.Length; i++)
            {
                string prefix = string.Join('/', parts, 0, i + 1);
                long next = Sys.TryOpenat2(Fd, prefix, Sys.O_PATH, Resolve);
                if (next == -Errno.ENOENT)
                {
                    bool last = i == parts.Length - 1;
                    long r = last && asFile
                        ? Sys.TryMknodAt(parent, parts[i], Sys.S_IFREG | 0x1a4, 0)
                        : Sys.TryMkdirAt(parent, parts[i], mode);
                    if (r < 0 && r != -Errno.EEXIST) throw new SyscallException($"create /{prefix} in rootfs", (int)-r);
                    // Re-resolve: whatever is there now (even a symlink raced in) is followed only inside the root.
                    next = Sys.TryOpenat2(Fd, prefix, Sys.O_PATH, Resolve);
                    if (next == -Errno.ENOENT && r == -Errno.EEXIST && ReadLink(parent, parts[i]) is { } link)
                    {
                        // A dangling symlink: create what it points to, as the root sees it (runc's SecureJoin does
                        // the same). A relative target is walked from the link's directory, ".." included, by openat2.
                        string target = link.StartsWith('/') ? link : string.Join('/', parts, 0, i) + "/" + link;
                        Sys.Close(MkdirAll(target, last && asFile, mode, links + 1));
                        next = Sys.TryOpenat2(Fd, prefix, Sys.O_PATH, Resolve);
                    }
                }
                Sys.Check(next, $"open /{prefix} in rootfs");
                Sys.Close(parent);
                parent = (int)next;
            }
            int result = parent;
            parent = -1;
            return result;
        }
        finally
        {
            if (parent >= 0) Sys.Close(parent);
        }
    }

    /// <summary>
    /// Makes sure <paramref name="path"/> exists as a directory reached through directories only, no symlink
    /// anywhere on the way (a proc or sysfs mount must sit where its destination says: runc's "must be mounted on
    /// ordinary directory"). Missing components are created with mkdirat relative to the parent's fd.
    /// </summary>
    public int MkdirOrdinary(string path, string fsType)
    {
        const ulong strict = Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_MAGICLINKS;
        int parent = Sys.CheckFd(Sys.TryOpenat2(Fd, ".", Sys.O_PATH | Sys.O_DIRECTORY, strict), "open rootfs");
        try
        {
            foreach (var part in ProcMountRules.Clean(path).Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                long next = Sys.TryOpenat2(parent, part, Sys.O_PATH | Sys.O_DIRECTORY, strict);
                if (next == -Errno.ENOENT)
                {
                    long r = Sys.TryMkdirAt(parent, part, 0x1ed);
                    if (r < 0 && r != -Errno.EEXIST) throw new SyscallException($"create {part} of {path} in rootfs", (int)-r);
                    next = Sys.TryOpenat2(parent, part, Sys.O_PATH | Sys.O_DIRECTORY, strict);
                }
                if (next is -Errno.ELOOP or -Errno.ENOTDIR or -Errno.EXDEV)
                    throw new DestinationRefused($"filesystem \"{fsType}\" must be mounted on ordinary directory ({part} is a symlink or not a directory)");
                Sys.Check(next, $"open {part} of {path} in rootfs");
                Sys.Close(parent);
                parent = (int)next;
            }
            int result = parent;
            parent = -1;
            return result;
        }
        finally { Sys.Close(parent); }
    }

    /// <summary>Where an fd resolved inside the rootfs lies, as an absolute path inside it (the kernel's name for
    /// the fd, less the rootfs's own): what the /proc rules judge, whatever symlinks led there.</summary>
    public string PathInRoot(int fd)
    {
        string rootPath = _canonical ??= Sys.ReadLinkAt(Sys.AT_FDCWD, ProcFd(Fd)) ?? throw new SyscallException("readlink the rootfs fd", Errno.EINVAL);
        string at = Sys.ReadLinkAt(Sys.AT_FDCWD, ProcFd(fd)) ?? throw new SyscallException("readlink a destination fd", Errno.EINVAL);
        if (at == rootPath) return "/";
        string prefix = rootPath == "/" ? "/" : rootPath + "/";
        if (!at.StartsWith(prefix, StringComparison.Ordinal))
            throw new SyscallException($"destination fd lies outside the rootfs ({at})", Errno.EXDEV);
        return "/" + at[prefix.Length..];
    }

    private string? _canonical;

    private static unsafe string? ReadLink(int dirFd, string name)
    {
        byte* buf = stackalloc byte[4096];
        long n;
        fixed (byte* p = CString.Of(name)) n = Sys.Fast(Nr.readlinkat, dirFd, (long)p, (long)buf, 4096);
        return n <= 0 || n >= 4096 ? null : System.Text.Encoding.UTF8.GetString(buf, (int)n);
    }

    /// <summary>Destinations are taken relative to the root, as runc does for relative ones.</summary>
    private static string Rel(string path)
    {
        string rel = path.TrimStart('/');
        return rel.Length == 0 ? "." : rel;
    }

    internal static string ProcFd(int fd) => $"/proc/self/fd/{fd}";

    public void Dispose()
    {
        Sys.Close(Fd);
        Fd = -1;
    }
}
