using System.Text;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Pty;

/// <summary>
/// process.terminal with --console-socket: a pty from the container's own devpts, the master sent to the
/// socket (SCM_RIGHTS), the slave as stdio and controlling terminal. No path is trusted (CVE-2025-52565): the
/// ptmx is opened without following symlinks and checked to be a devpts ptmx before it is opened for real, the
/// slave comes from the master itself (TIOCGPTPEER), and /dev/console is created or opened without following a
/// symlink and the slave mounted onto that fd. Any failure is an error naming process.terminal.
/// </summary>
internal static unsafe class PtySetup
{
    private const long TIOCSPTLCK = 0x40045431, TIOCGPTN = 0x80045430, TIOCSWINSZ = 0x5414, TIOCSCTTY = 0x540E;
    private const ulong InRoot = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_NO_MAGICLINKS;
    private const string Field = "process.terminal";

    internal static void Attach(int consoleSocket, Box? size, ProcHandle proc, bool bindConsole = true)
    {
        int root = -1, master = -1, slave = -1;
        try
        {
            root = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY), $"{Field}: open /");
            master = OpenPtmx(root, proc);
            int unlock = 0;
            Sys.Check(Sys.Fast(Nr.ioctl, master, TIOCSPTLCK, (long)&unlock), $"{Field}: unlock pty");
            int n = 0;
            Sys.Check(Sys.Fast(Nr.ioctl, master, TIOCGPTN, (long)&n), $"{Field}: get pty number");
            slave = Sys.CheckFd(Sys.TryPtyPeer(master, Sys.O_RDWR | Sys.O_NOCTTY), $"{Field}: open the pty slave from its master (TIOCGPTPEER)");
            if (size is not null) SetSize(slave, size.Height, size.Width);
            // /dev/console first: a container that fails here hands no master to anyone.
            if (bindConsole) BindConsole(root, slave);
            Sys.SendWithFds(consoleSocket, Encoding.UTF8.GetBytes($"/dev/pts/{n}"), [master]);
            for (int fd = 0; fd < 3; fd++) Sys.Check(Sys.Fast(Nr.dup3, slave, fd, 0), $"{Field}: dup pty to stdio");
            Sys.Check(Sys.Fast(Nr.ioctl, 0, TIOCSCTTY, 0), $"{Field}: set controlling terminal");
        }
        finally
        {
            Sys.Close(slave);
            Sys.Close(master);
            Sys.Close(root);
            Sys.Close(consoleSocket);
        }
    }

    /// <summary>/dev/pts/ptmx opened O_PATH, proven to be a devpts ptmx (runc's checks: devpts, inode 2, char 5:2),
    /// then reopened read-write by that fd: a planted file or device is never opened for real.</summary>
    private static int OpenPtmx(int root, ProcHandle proc)
    {
        long fd = Sys.TryOpenat2(root, "dev/pts/ptmx", Sys.O_PATH, InRoot);
        if (fd < 0)
        {
            string why = fd == -Errno.ELOOP ? "a symlink in the path" : fd == -Errno.ENOENT ? "no devpts mounted at /dev/pts" : SyscallException.Describe((int)-fd);
            throw new RuntimeError($"{Field}: open /dev/pts/ptmx: {why}");
        }
        try
        {
            bool devpts = Sys.TryFsType((int)fd) == Sys.DEVPTS_SUPER_MAGIC;
            var st = Sys.StatFd((int)fd, out _);
            if (!devpts || st is not { Ino: 2 } s || !s.IsCharDevice(5, 2))
                throw new RuntimeError($"{Field}: /dev/pts/ptmx is not the ptmx of a devpts mount: refusing to open it");
            return proc.Reopen((int)fd, Sys.O_RDWR | Sys.O_NOCTTY, $"{Field}: /dev/pts/ptmx");
        }
        finally { Sys.Close((int)fd); }
    }

    /// <summary>/dev/console is the container's terminal too: the slave mounted onto it by fd. The target is made
    /// with O_CREAT|O_EXCL (which never follows a symlink) or opened without following one, and must be a regular
    /// file or a character device.</summary>
    private static void BindConsole(int root, int slave)
    {
        long fd = Sys.TryOpenat2(root, "dev/console", Sys.O_PATH, InRoot);
        if (fd == -Errno.ENOENT)
        {
            long created = Sys.TryOpenat2(root, "dev/console", Sys.O_WRONLY | Sys.O_CREAT | Sys.O_EXCL | Sys.O_NOCTTY, InRoot, 0x1b6);
            if (created < 0) throw ConsoleError("create", (int)-created);
            Sys.Close((int)created);
            fd = Sys.TryOpenat2(root, "dev/console", Sys.O_PATH, InRoot);
        }
        if (fd == -Errno.ELOOP) throw new RuntimeError($"{Field}: /dev/console is a symlink: refusing to mount the console on it");
        if (fd < 0) throw ConsoleError("open", (int)-fd);
        try
        {
            var st = Sys.StatFd((int)fd, out int e) ?? throw ConsoleError("stat", e);
            if (st.Type is not (Sys.S_IFREG or Sys.S_IFCHR))
                throw new RuntimeError($"{Field}: /dev/console is neither a file nor a character device (type 0x{st.Type:x}): refusing to mount the console on it");
            long r = Sys.TryBindFdOntoFd(slave, (int)fd);
            if (r < 0) throw ConsoleError("mount the pty on", (int)-r);
        }
        finally { Sys.Close((int)fd); }
    }

    private static RuntimeError ConsoleError(string step, int errno) =>
        new($"{Field}: {step} /dev/console: {SyscallException.Describe(errno)}");

    internal static void SetSize(int fd, uint rows, uint cols)
    {
        ushort* ws = stackalloc ushort[4];
        ws[0] = (ushort)rows; ws[1] = (ushort)cols; ws[2] = 0; ws[3] = 0;
        Sys.Fast(Nr.ioctl, fd, TIOCSWINSZ, (long)ws);
    }
}
