using System.Runtime.InteropServices;
using OciRuntime.Interop;

namespace OciRuntime.Pty;

/// <summary>
/// `run` and `exec -t` in the foreground without --console-socket: ocirun is its own console socket. Init still
/// allocates the pty from the container's devpts and sends the master over a socket pair internal to ocirun;
/// ocirun puts the caller's terminal in raw mode, copies both ways, turns SIGWINCH into the pty's window size,
/// and restores the caller's terminal when disposed (errors included).
/// </summary>
internal sealed unsafe class AttachedTerminal : IDisposable
{
    private const long TCGETS = 0x5401, TCSETS = 0x5402, TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414;
    private const int TermiosSize = 60; // struct termios (kernel: 36 bytes), with room to spare

    private readonly int _master;
    private readonly byte[]? _saved;
    private readonly Thread _output;
    private readonly PosixSignalRegistration? _winch;
    private int _disposed;

    /// <summary>A connected pair: the first end stays with ocirun, the second is init's console socket.</summary>
    internal static (int Ours, int Theirs) SocketPair() => Sys.SocketPair(Sys.SOCK_STREAM);

    private AttachedTerminal(int master)
    {
        _master = master;
        _saved = MakeRaw(0);
        CopySize();
        _winch = PosixSignalRegistration.Create(PosixSignal.SIGWINCH, ctx => { ctx.Cancel = true; CopySize(); });
        _output = new Thread(() => Copy(_master, 1)) { IsBackground = true, Name = "pty-out" };
        _output.Start();
        new Thread(() => Copy(0, _master)) { IsBackground = true, Name = "pty-in" }.Start();
    }

    /// <summary>Takes the pty master init sent on <paramref name="ours"/> (closed here) and attaches it.</summary>
    internal static AttachedTerminal Attach(int ours)
    {
        using (new OwnedFd(ours)) return new AttachedTerminal(ReceiveFd(ours));
    }

    /// <summary>The container's process is gone: let the output reach the caller (end of the pty, bounded).</summary>
    internal void Drain() => _output.Join(TimeSpan.FromSeconds(2));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _winch?.Dispose();
        if (_saved is not null) fixed (byte* t = _saved) Sys.Fast(Nr.ioctl, 0, TCSETS, (long)t);
        Sys.Close(_master);
    }

    private static void Copy(int from, int to)
    {
        var buf = new byte[16 * 1024];
        while (true)
        {
            long n = Sys.TryRead(from, buf);
            if (n <= 0) return; // EIO from the master: every slave is closed
            long w = 0;
            while (w < n)
            {
                long k = Sys.TryWrite(to, buf.AsSpan((int)w, (int)(n - w)));
                if (k <= 0) return;
                w += k;
            }
        }
    }

    /// <summary>The caller's window size, if it has one, onto the container's pty (the kernel signals its
    /// foreground process group).</summary>
    private void CopySize()
    {
        ushort* ws = stackalloc ushort[4];
        if (Sys.Fast(Nr.ioctl, 0, TIOCGWINSZ, (long)ws) < 0 && Sys.Fast(Nr.ioctl, 1, TIOCGWINSZ, (long)ws) < 0) return;
        if (ws[0] == 0 && ws[1] == 0) return;
        Sys.Fast(Nr.ioctl, _master, TIOCSWINSZ, (long)ws);
    }

    /// <summary>cfmakeraw on <paramref name="fd"/> if it is a terminal; returns the settings to restore.</summary>
    private static byte[]? MakeRaw(int fd)
    {
        var saved = new byte[TermiosSize];
        fixed (byte* t = saved) if (Sys.Fast(Nr.ioctl, fd, TCGETS, (long)t) < 0) return null;
        var raw = (byte[])saved.Clone();
        fixed (byte* t = raw)
        {
            uint* f = (uint*)t; // c_iflag, c_oflag, c_cflag, c_lflag, then c_line and c_cc[]
            f[0] &= ~(0x1u | 0x2 | 0x8 | 0x20 | 0x40 | 0x80 | 0x100 | 0x400); // IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON
            f[1] &= ~0x1u;                                                   // OPOST
            f[3] &= ~(0x8u | 0x40 | 0x2 | 0x1 | 0x8000);                      // ECHO ECHONL ICANON ISIG IEXTEN
            f[2] &= ~(0x30u | 0x100);                                        // CSIZE PARENB
            f[2] |= 0x30;                                                    // CS8
            byte* cc = t + 17;
            cc[6] = 1; // VMIN
            cc[5] = 0; // VTIME
            Sys.Fast(Nr.ioctl, fd, TCSETS, (long)t);
        }
        return saved;
    }

    private static int ReceiveFd(int sock)
    {
        var fds = new List<int>(1);
        try { Sys.RecvWithFds(sock, stackalloc byte[4096], fds); }
        catch (SyscallException e) { throw new RuntimeError(null, "terminal: receive the pty master from init", e.Errno, e); }
        if (fds.Count == 1) return fds[0];
        foreach (int fd in fds) Sys.Close(fd);
        throw new RuntimeError("terminal: init sent no pty master");
    }
}
