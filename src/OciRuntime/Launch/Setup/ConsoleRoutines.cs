using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// The pty routines of process.terminal with a console socket, allocation-free: no path is
/// trusted (CVE-2025-52565). The ptmx is opened O_PATH without symlinks and proven a devpts ptmx before it is
/// reopened for real; /dev/console is created O_EXCL or opened without symlinks, must be a file or a character
/// device, and the slave is mounted onto that fd. Each routine sets a detail that <see cref="ConsoleWords"/> words.
/// </summary>
internal static unsafe class ConsoleRoutines
{
    private const ulong InRoot = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_NO_MAGICLINKS;
    private const long TIOCGPTN = 0x80045430;

    /// <summary>Details of <see cref="OpenPtmx"/>.</summary>
    internal const int PtmxOpen = 1, PtmxNotDevpts = 2, PtmxFdDir = 3, PtmxReopen = 4;
    /// <summary>Details of <see cref="BindConsole"/>; a refused file type is the detail itself (S_IFMT bits).</summary>
    internal const int ConsoleCreate = 1, ConsoleOpen = 2, ConsoleStat = 3, ConsoleMount = 5;
    /// <summary>Details of <see cref="SendMaster"/>.</summary>
    internal const int MasterNumber = 1, MasterSend = 2;

    internal static long OpenPtmx(ZoneState* z, long root, long proc)
    {
        byte* ptmx = stackalloc byte[13];
        Copy(ptmx, "dev/pts/ptmx\0"u8);
        long fd = ZoneLib.Openat2(root, ptmx, Sys.O_PATH, InRoot);
        if (fd < 0) { z->Detail = PtmxOpen; return fd; }
        // runc's checks: on devpts, inode 2, character device 5:2.
        bool ok = Sys.TryFsType(fd) == Sys.DEVPTS_SUPER_MAGIC && Stat(fd, out ulong ino, out int type, out uint major, out uint minor) == 0
                  && ino == 2 && type == (int)Sys.S_IFCHR && major == 5 && minor == 2;
        if (!ok)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = PtmxNotDevpts;
            return -Errno.EPERM;
        }
        // Reopened through our fd directory of the verified procfs: the one magic link followed leads to the
        // inode just proven, not to a path. ("self" suffices: the zone has one thread.)
        byte* fdDir = stackalloc byte[8];
        Copy(fdDir, "self/fd\0"u8);
        long dir = CoreRoutines.OpenBeneath(z, proc, fdDir, Sys.O_PATH | Sys.O_DIRECTORY);
        if (dir < 0)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = PtmxFdDir;
            return dir;
        }
        byte* name = stackalloc byte[24];
        ZoneLib.AppendNumber(name, 0, 24, fd);
        long master = Sys.Fast(Nr.openat, dir, (long)name, Sys.O_RDWR | Sys.O_NOCTTY | Sys.O_CLOEXEC);
        Sys.Fast(Nr.close, dir);
        Sys.Fast(Nr.close, fd);
        if (master < 0) { z->Detail = PtmxReopen; return master; }
        return master;
    }

    internal static long BindConsole(ZoneState* z, long root, long slave)
    {
        byte* console = stackalloc byte[12];
        Copy(console, "dev/console\0"u8);
        long fd = ZoneLib.Openat2(root, console, Sys.O_PATH, InRoot);
        if (fd == -Errno.ENOENT)
        {
            // O_CREAT|O_EXCL never follows a symlink; a racing creation shows as EEXIST, an error.
            long created = Openat2Mode(root, console, Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL | Sys.O_NOCTTY, InRoot, 0b110_110_110);
            if (created < 0) { z->Detail = ConsoleCreate; return created; }
            Sys.Fast(Nr.close, created);
            fd = ZoneLib.Openat2(root, console, Sys.O_PATH, InRoot);
        }
        if (fd < 0) { z->Detail = ConsoleOpen; return fd; }
        long r = Stat(fd, out _, out int type, out _, out _);
        if (r < 0)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = ConsoleStat;
            return r;
        }
        if (type != (int)Sys.S_IFREG && type != (int)Sys.S_IFCHR)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = type;
            return -Errno.EPERM;
        }
        // A bind of a file by fds on both sides: a clone of the slave (open_tree) moved onto the console's fd.
        byte empty = 0;
        long tree = Sys.Fast(Nr.open_tree, slave, (long)&empty, Sys.OPEN_TREE_CLONE | Sys.AT_EMPTY_PATH | Sys.O_CLOEXEC);
        if (tree >= 0)
        {
            r = Sys.Fast(Nr.move_mount, tree, (long)&empty, fd, (long)&empty, Sys.MOVE_MOUNT_F_EMPTY_PATH | Sys.MOVE_MOUNT_T_EMPTY_PATH);
            Sys.Fast(Nr.close, tree);
        }
        else r = tree;
        Sys.Fast(Nr.close, fd);
        if (r < 0) { z->Detail = ConsoleMount; return r; }
        return 0;
    }

    /// <summary>Sends "/dev/pts/N" and the master over the console socket (SCM_RIGHTS), as runc does.</summary>
    internal static long SendMaster(ZoneState* z, long sock, long master)
    {
        int n = 0;
        long r = Sys.Fast(Nr.ioctl, master, TIOCGPTN, (long)&n);
        if (r < 0) { z->Detail = MasterNumber; return r; }
        byte* name = stackalloc byte[32];
        Copy(name, "/dev/pts/\0"u8);
        int len = ZoneLib.AppendNumber(name, 9, 32, n);
        FdMessage m;
        int fd = (int)master;
        do r = Sys.Fast(Nr.sendmsg, sock, (long)FdMessage.ForSend(&m, name, len, &fd, 1), Sys.MSG_NOSIGNAL);
        while (r == -Errno.EINTR);
        if (r < 0) { z->Detail = MasterSend; return r; }
        return 0;
    }

    private static long Stat(long fd, out ulong ino, out int type, out uint major, out uint minor)
    {
        StatxBuffer sx;
        ino = 0; type = 0; major = 0; minor = 0;
        long r = Sys.TryStatx(fd, null, 0, Sys.STATX_TYPE | Sys.STATX_INO, &sx);
        if (r < 0) return r;
        type = (int)sx.Type;
        ino = sx.Ino;
        major = sx.RdevMajor;
        minor = sx.RdevMinor;
        return 0;
    }

    private static long Openat2Mode(long dirFd, byte* path, long flags, ulong resolve, long mode)
    {
        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(flags | Sys.O_CLOEXEC);
        how[1] = (ulong)mode;
        how[2] = resolve;
        long r;
        do r = Sys.Fast(Nr.openat2, dirFd, (long)path, (long)how, 24);
        while (r == -Errno.EAGAIN);
        return r;
    }

    private static void Copy(byte* dst, ReadOnlySpan<byte> literal)
    {
        fixed (byte* l = literal)
            for (int i = 0; i < literal.Length; i++) dst[i] = l[i];
    }
}

/// <summary>The parent's words for the console routines' failures.</summary>
internal static class ConsoleWords
{
    internal static string Ptmx(int errno, int detail) => detail switch
    {
        ConsoleRoutines.PtmxOpen => "open /dev/pts/ptmx: " + (errno == Errno.ELOOP ? "a symlink in the path"
            : errno == Errno.ENOENT ? "no devpts mounted at /dev/pts" : SyscallException.Describe(errno)),
        ConsoleRoutines.PtmxNotDevpts => "/dev/pts/ptmx is not the ptmx of a devpts mount: refusing to open it",
        ConsoleRoutines.PtmxFdDir => "/dev/pts/ptmx: open /proc/self/fd: " + SyscallException.Describe(errno),
        _ => "/dev/pts/ptmx: reopen: " + SyscallException.Describe(errno),
    };

    internal static string Console(int errno, int detail) => detail switch
    {
        ConsoleRoutines.ConsoleCreate => "create /dev/console: " + SyscallException.Describe(errno),
        ConsoleRoutines.ConsoleOpen when errno == Errno.ELOOP => "/dev/console is a symlink: refusing to mount the console on it",
        ConsoleRoutines.ConsoleOpen => "open /dev/console: " + SyscallException.Describe(errno),
        ConsoleRoutines.ConsoleStat => "stat /dev/console: " + SyscallException.Describe(errno),
        ConsoleRoutines.ConsoleMount => "mount the pty on /dev/console: " + SyscallException.Describe(errno),
        _ => $"/dev/console is neither a file nor a character device (type 0x{detail:x}): refusing to mount the console on it",
    };

    internal static string Master(int errno, int detail) =>
        (detail == ConsoleRoutines.MasterNumber ? "get pty number: " : "sendmsg: ") + SyscallException.Describe(errno);
}
