using System.Text;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Pty;

/// <summary>
/// process.terminal with --console-socket: a pty from the container's own devpts, the master sent to the
/// socket (SCM_RIGHTS), the slave as stdio and controlling terminal.
/// </summary>
internal static unsafe class PtySetup
{
    private const long TIOCSPTLCK = 0x40045431, TIOCGPTN = 0x80045430, TIOCSWINSZ = 0x5414, TIOCSCTTY = 0x540E;

    internal static void Attach(int consoleSocket, Box? size, bool bindConsole = true)
    {
        int master = Sys.Open("/dev/ptmx", Sys.O_RDWR | Sys.O_NOCTTY);
        try
        {
            int unlock = 0;
            Sys.Check(Sys.Fast(Nr.ioctl, master, TIOCSPTLCK, (long)&unlock), "unlock pty");
            int n = 0;
            Sys.Check(Sys.Fast(Nr.ioctl, master, TIOCGPTN, (long)&n), "get pty number");
            string slavePath = $"/dev/pts/{n}";
            int slave = Sys.Open(slavePath, Sys.O_RDWR | Sys.O_NOCTTY);
            if (size is not null) SetSize(slave, size.Height, size.Width);
            Sys.SendWithFds(consoleSocket, Encoding.UTF8.GetBytes(slavePath), [master]);
            if (bindConsole) BindConsole(slavePath);
            for (int fd = 0; fd < 3; fd++) Sys.Check(Sys.Fast(Nr.dup3, slave, fd, 0), "dup pty to stdio");
            Sys.Check(Sys.Fast(Nr.ioctl, 0, TIOCSCTTY, 0), "set controlling terminal");
            Sys.Close(slave);
        }
        finally
        {
            Sys.Close(master);
            Sys.Close(consoleSocket);
        }
    }

    /// <summary>/dev/console is the container's terminal too (a bind of the pty slave, as runc does).</summary>
    private static void BindConsole(string slavePath)
    {
        if (!Directory.Exists("/dev")) return;
        long fd = Sys.OpenAt(Sys.AT_FDCWD, "/dev/console", Sys.O_CREAT | Sys.O_WRONLY | Sys.O_NOFOLLOW, 0);
        if (fd < 0) return; // a read-only /dev: leave it as the image has it
        Sys.Close((int)fd);
        Sys.Mount(slavePath, "/dev/console", "bind", Sys.MS_BIND, null);
    }

    internal static void SetSize(int fd, uint rows, uint cols)
    {
        ushort* ws = stackalloc ushort[4];
        ws[0] = (ushort)rows; ws[1] = (ushort)cols; ws[2] = 0; ws[3] = 0;
        Sys.Fast(Nr.ioctl, fd, TIOCSWINSZ, (long)ws);
    }
}
