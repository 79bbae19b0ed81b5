using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// `--init` in the zone (a reaper without a second runtime): after the gate the zone forks. The
/// child goes on with the program to the user's execve; the parent stays as the container's pid 1, forwards
/// every signal of ReaperSignals to the child, reaps every child the kernel gives it (orphans included) and
/// exits with the user process's status (128+n when killed by signal n).
///
/// The forwarded signals are blocked since before the gate (a namespace's pid 1 without a handler would drop
/// them), so they queue for the signalfd. Pid 1 keeps stdio and the signalfd, nothing else, and touches only its
/// stack from then on: what it holds for the container's lifetime is the clone's pages it never writes again.
/// </summary>
internal static unsafe class ReaperRoutine
{
    private const long TIOCSPGRP = 0x5410, PR_SET_NAME = 15;

    /// <summary>What `ps` shows for the container's process until its execve: "ocirun setup", as its name is
    /// ocirun:setup (SetupCompiler.ProcessName).</summary>
    private static ReadOnlySpan<byte> SetupTitle => "ocirun\0setup\0"u8;

    /// <summary>What `ps` shows for --init's pid 1 for the container's lifetime: "ocirun init", named ocirun:init.</summary>
    private static ReadOnlySpan<byte> InitTitle => "ocirun\0init\0"u8;

    /// <summary>The container's process is a clone of the CLI, whose command line (bundle, --root, the caller's
    /// paths) and environment any process of the container could read in /proc: both are overwritten in place.
    /// a0..a3 of <paramref name="area"/>: arg_start, arg_end, env_start, env_end (the parent's /proc/self/stat: the
    /// clone's addresses are the same); null to leave them.</summary>
    internal static void Retitle(long* area) => Retitle(area, SetupTitle);

    private static void Retitle(long* area, ReadOnlySpan<byte> title)
    {
        if (area == null || area[1] - area[0] < title.Length) return;
        byte* args = (byte*)area[0];
        long n = area[1] - area[0];
        for (long i = 0; i < n; i++) args[i] = 0;
        fixed (byte* t = title)
            for (int i = 0; i < title.Length; i++) args[i] = t[i];
        byte* env = (byte*)area[2];
        for (long i = 0, m = area[3] - area[2]; i < m; i++) env[i] = 0;
    }

    /// <summary>The CLI's argument and environment areas (arg_start, arg_end, env_start, env_end: fields 48-51
    /// of /proc/self/stat), for <see cref="Retitle"/>; null when they cannot be read. One read into the stack and a
    /// parse in place: it runs on every create, ahead of the clone (SetupContext.ArgumentArea keeps the answer for
    /// the --init reaper).</summary>
    internal static long* ArgumentArea(SetupProgram p)
    {
        Span<byte> stat = stackalloc byte[1024];
        long n = Sys.TryReadSmallFile("/proc/self/stat\0"u8, stat);
        if (n <= 0) return null;
        var area = (long*)p.Buffer(4 * sizeof(long));
        return StatArea(stat[..(int)n], area) ? area : null;
    }

    /// <summary>Fields 48-51 of a /proc/&lt;pid&gt;/stat line into <paramref name="area"/>; false when the line has
    /// fewer fields or they do not describe two areas.</summary>
    internal static bool StatArea(ReadOnlySpan<byte> stat, long* area)
    {
        // Fields after the command name (which may hold spaces and parentheses) start at field 3.
        int close = stat.LastIndexOf((byte)')');
        if (close < 0) return false;
        var rest = stat[(close + 1)..].TrimEnd((byte)'\n');
        const int First = 48, Last = 51;
        int field = 2;
        while (field < Last && !rest.IsEmpty)
        {
            rest = rest.TrimStart((byte)' ');
            if (rest.IsEmpty) break;
            int end = rest.IndexOf((byte)' ');
            if (end < 0) end = rest.Length;
            field++;
            if (field >= First)
            {
                if (!System.Buffers.Text.Utf8Parser.TryParse(rest[..end], out long value, out int used) || used != end) return false;
                area[field - First] = value;
            }
            rest = rest[end..];
        }
        return field == Last && area[0] > 0 && area[1] > area[0] && area[3] >= area[2];
    }

    internal static long Run(ZoneState* z, bool terminal, ulong mask, long* title)
    {
        long pid = Sys.Fast(Nr.clone, Sys.SIGCHLD, 0, 0, 0, 0);
        if (pid < 0) return pid;
        if (pid == 0)
        {
            // The user's process: its own process group (the terminal's foreground one, so ^C reaches it), then
            // nothing blocked for it; the program goes on to execve.
            Sys.Fast(Nr.setpgid, 0, 0);
            if (terminal)
            {
                int self = (int)Sys.Fast(Nr.getpid);
                Sys.Fast(Nr.ioctl, 0, TIOCSPGRP, (long)&self); // SIGTTOU is still blocked here
            }
            ulong none = 0;
            Sys.Fast(Nr.rt_sigprocmask, Sys.SIG_SETMASK, (long)&none, 0, 8);
            return 0;
        }

        // Pid 1. `start` reads the FIFO to its end: the child's copy closes at its execve (or carries its error).
        Sys.Fast(Nr.close, z->FifoFd);
        z->FifoFd = -1;
        Sys.Fast(Nr.close_range, 3, uint.MaxValue, 0);
        long sfd = Sys.Fast(Nr.signalfd4, -1, (long)&mask, 8, Sys.O_CLOEXEC);
        Retitle(title, InitTitle);
        fixed (byte* name = "ocirun:init\0"u8) Sys.Fast(Nr.prctl, PR_SET_NAME, (long)name);
        Loop(sfd, pid);
        return 0;
    }

    private static void Loop(long sfd, long child)
    {
        const int InfoSize = 128; // struct signalfd_siginfo
        byte* info = stackalloc byte[InfoSize * 16];
        int status = 0;
        while (true)
        {
            long n = sfd >= 0 ? Sys.Fast(Nr.read, sfd, (long)info, InfoSize * 16) : 0;
            if (n == -Errno.EINTR) continue;
            if (n <= 0)
            {
                // No signalfd: blocking waits only (signals stay queued, not forwarded).
                while (true)
                {
                    long r = Sys.Fast(Nr.wait4, -1, (long)&status, Sys.__WALL, 0);
                    if (r == child) Sys.Fast(Nr.exit_group, ExitCode(status));
                    if (r == -Errno.ECHILD) Sys.Fast(Nr.exit_group, 1);
                }
            }
            for (long off = 0; off + InfoSize <= n; off += InfoSize)
            {
                int sig = *(int*)(info + off);
                if (sig != Sys.SIGCHLD)
                {
                    Sys.Fast(Nr.kill, child, sig);
                    continue;
                }
                while (true)
                {
                    long r = Sys.Fast(Nr.wait4, -1, (long)&status, Sys.WNOHANG | Sys.__WALL, 0);
                    if (r <= 0) break;
                    if (r == child) Sys.Fast(Nr.exit_group, ExitCode(status));
                }
            }
        }
    }

    /// <summary>The shell's convention (Sys.ExitCodeOf): the exit status, or 128 + the signal.</summary>
    private static int ExitCode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
}
