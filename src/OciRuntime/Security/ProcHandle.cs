using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Security;

/// <summary>
/// A procfs of our own, and every /proc file we write opened beneath it (CVE-2025-52881; runc's pathrs-lite does
/// the same). A path such as /proc/sys/net/ipv4/ip_forward in the container can be covered by a mount the image
/// asked for, or be a symlink planted in such a mount, and a write through it lands wherever the image likes
/// (oom_score_adj, an LSM attribute, a host file). So:
/// <list type="bullet">
/// <item>the root is a fresh procfs (fsopen + fsmount: a detached mount nobody else can reach or cover), else a
/// detached clone of the /proc we see (open_tree), else that /proc itself; each verified to be the root of a
/// procfs (fstatfs PROC_SUPER_MAGIC, inode 1);</item>
/// <item>each file is opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS): no symlink,
/// no ".." out, no crossing onto another mount; "self" and "thread-self" (symlinks themselves) are read with
/// readlinkat from the handle, which names them in the pid namespace the procfs belongs to;</item>
/// <item>the opened fd is checked to be on procfs before a byte is written.</item>
/// </list>
/// A fresh procfs takes the pid namespace of the process that creates it: made in init, that is the container's,
/// so "self" is init. Where it cannot be made (in a user namespace the kernel refuses a procfs that would reveal
/// more than the mount namespace already shows) the clone or the plain /proc still resolve "self" correctly, and
/// RESOLVE_NO_XDEV turns any mount over the target into an error instead of a redirected write.
/// </summary>
internal sealed class ProcHandle : IDisposable
{
    private const ulong Beneath = Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_XDEV | Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_NO_MAGICLINKS;
    private const ulong ProcRootIno = 1;

    private int _fd;

    /// <summary>How the root was obtained: "fsopen", "open_tree" or the /proc path (for diagnostics and tests).</summary>
    internal string Origin { get; }

    private ProcHandle(int fd, string origin)
    {
        _fd = fd;
        Origin = origin;
    }

    /// <summary>A private procfs (see the class comment for the fallbacks). <paramref name="procPath"/> is the /proc
    /// the fallbacks clone or open.</summary>
    internal static ProcHandle Open(string procPath = "/proc") => New() ?? CloneOf(procPath) ?? OpenPlain(procPath);

    /// <summary>A fresh procfs of the caller's pid namespace (fsopen, fsmount), or null where the kernel refuses.</summary>
    internal static ProcHandle? New()
    {
        using var fd = new OwnedFd(NewProcfs());
        return fd.IsOpen && IsProcRoot(fd.Fd) ? new ProcHandle(fd.Release(), "fsopen") : null;
    }

    /// <summary>A detached copy of the procfs mounted at <paramref name="procPath"/> (open_tree), or null.</summary>
    internal static ProcHandle? CloneOf(string procPath)
    {
        // Without AT_RECURSIVE a clone carries no mount that covers part of it; the kernel refuses that when a
        // locked mount sits under /proc, and then the recursive clone still leaves RESOLVE_NO_XDEV to refuse them.
        foreach (int flags in new[] { Sys.OPEN_TREE_CLONE, Sys.OPEN_TREE_CLONE | Sys.AT_RECURSIVE })
        {
            using var fd = new OwnedFd(Sys.TryOpenTree(procPath, flags));
            if (fd.IsOpen && IsProcRoot(fd.Fd)) return new ProcHandle(fd.Release(), "open_tree");
        }
        return null;
    }

    /// <summary>The /proc at <paramref name="procPath"/> itself, verified (the parent's side: it writes another
    /// process's id maps from the host's namespaces, where making a procfs is a cost with nothing to gain).</summary>
    internal static ProcHandle OpenPlain(string procPath = "/proc")
    {
        using var fd = OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, procPath, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW), $"open {procPath}");
        if (!IsProcRoot(fd.Fd))
            throw new RuntimeError($"{procPath} is not the root of a procfs (a mount or a symlink covers it): refusing to write through it");
        return new ProcHandle(fd.Release(), procPath);
    }

    /// <summary>A close-on-exec duplicate of the verified root at or above <paramref name="minFd"/>, for code that
    /// cannot hold a handle: the fork-safe zone opens its timens_offsets beneath it with raw system calls.</summary>
    internal int Duplicate(int minFd) => Sys.DupCloexecAbove(_fd, minFd);

    private static long NewProcfs()
    {
        long opened = Sys.TryFsOpen("proc");
        if (opened < 0) return opened;
        using var ctx = new OwnedFd(opened);
        long r = Sys.TryFsConfigCreate(ctx.Fd);
        if (r < 0) return r;
        return Sys.TryFsMount(ctx.Fd, Sys.MOUNT_ATTR_NOSUID | Sys.MOUNT_ATTR_NODEV | Sys.MOUNT_ATTR_NOEXEC);
    }

    private static bool IsProcRoot(int fd) =>
        Sys.TryFsType(fd) == Sys.PROC_SUPER_MAGIC && Sys.StatFd(fd, out _) is { Ino: ProcRootIno, Type: Sys.S_IFDIR };

    /// <summary>"self/x" and "thread-self/x" with the link read from the handle: "412/x", "412/task/413/x".</summary>
    private string Resolve(string path)
    {
        int slash = path.IndexOf('/');
        string first = slash < 0 ? path : path[..slash];
        if (first is not ("self" or "thread-self")) return path;
        string link = Sys.ReadLinkAt(_fd, first)
            ?? throw new SyscallException($"readlink /proc/{first} (no process of this pid namespace?)", Errno.ENOENT);
        return slash < 0 ? link : link + path[slash..];
    }

    /// <summary>Opens /proc/<paramref name="path"/> (relative, e.g. "sys/net/ipv4/ip_forward") beneath the handle;
    /// returns the fd or -errno (-EXDEV for a file that is not on procfs).</summary>
    internal long OpenBeneath(string path, int flags)
    {
        long opened = Sys.TryOpenat2(_fd, Resolve(path), flags, Beneath);
        if (opened < 0) return opened;
        using var fd = new OwnedFd(opened);
        return Sys.TryFsType(fd.Fd) == Sys.PROC_SUPER_MAGIC ? fd.Release() : -Errno.EXDEV;
    }

    internal bool Exists(string path)
    {
        using var fd = new OwnedFd(OpenBeneath(path, Sys.O_PATH));
        return fd.IsOpen;
    }

    /// <summary>Writes <paramref name="value"/> to /proc/<paramref name="path"/> in one write(2) (the kernel takes
    /// a map or a sysctl whole); errors name <paramref name="field"/>.</summary>
    internal void Write(string path, string value, string field)
    {
        long opened = OpenBeneath(path, Sys.O_WRONLY);
        if (opened < 0) throw Failure(path, value, field, (int)-opened);
        using var fd = new OwnedFd(opened);
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        long n = Sys.TryWrite(fd.Fd, bytes);
        if (n < 0) throw Failure(path, value, field, (int)-n);
        if (n != bytes.Length) throw Failure(path, value, field, Errno.EIO);
    }

    /// <summary>The start of /proc/<paramref name="path"/> (up to 4 KiB), or null when it cannot be read.</summary>
    internal string? Read(string path)
    {
        using var fd = new OwnedFd(OpenBeneath(path, Sys.O_RDONLY));
        if (!fd.IsOpen) return null;
        Span<byte> buf = stackalloc byte[4096];
        long n = Sys.TryRead(fd.Fd, buf);
        return n < 0 ? null : Encoding.UTF8.GetString(buf[..(int)n]);
    }

    private static RuntimeError Failure(string path, string value, string field, int errno) =>
        new($"{field}: write {Shown(value)} to /proc/{path}: {(errno == Errno.EXDEV || errno == Errno.ELOOP ? "it is not the procfs file (a mount or symlink covers it)" : SyscallException.Describe(errno))}");

    private static string Shown(string value) => value.TrimEnd('\n').Replace('\n', ',');

    public void Dispose()
    {
        Sys.Close(_fd);
        _fd = -1;
    }
}
