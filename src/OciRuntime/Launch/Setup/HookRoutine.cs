using System.Runtime.InteropServices;
using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>One hook as the compiler lays it out for <see cref="HookRoutine"/>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct HookCall
{
    public byte* Path;
    public byte** Argv;
    public byte** Envp;
    /// <summary>hook.timeout in seconds; 0: none.</summary>
    public long TimeoutSeconds;
    /// <summary>Which of the parent's state documents goes on stdin: 0 the first line, 1 the second.</summary>
    public long Document;
    /// <summary>"hooks.startContainer[0]", for words rendered in the zone (after the gate).</summary>
    public byte* Where;
    /// <summary>Room for those words.</summary>
    public byte* Words;
    public long WordsSize;
}

/// <summary>
/// A hook run in the container (createContainer, startContainer), as HookRunner runs one: args and env as given,
/// the state on stdin, stdout and stderr kept for the error, nothing else open, nothing blocked, a timeout
/// through a pidfd (SIGKILL when it passes). Zone side: raw system calls, no allocation.
///
/// Output goes to a memfd the parent made before the clone (truncated before each hook), so the parent can word
/// a failure before the gate by reading it; after the gate the words are rendered here, for `start`.
/// </summary>
internal static unsafe class HookRoutine
{
    /// <summary>The detail of a failure: kind in the high byte, value (exit status, signal) below.</summary>
    internal const int DetailExit = 1 << 24, DetailSignal = 2 << 24, DetailTimeout = 3 << 24, DetailStart = 4 << 24;
    private const long CLOSE_RANGE_CLOEXEC = 4;

    internal static long Run(ZoneState* z, HookCall* h, long outFd, byte* states, long statesLen)
    {
        // stdin: the state document, written before the fork into an empty pipe (the documents are far below a
        // pipe's 64 KiB): a hook that never reads it can neither block us nor raise SIGPIPE.
        byte* doc = states;
        long docLen = statesLen;
        long nl = -1;
        for (long i = 0; i < statesLen; i++) if (states[i] == '\n') { nl = i; break; }
        if (nl >= 0)
        {
            if (h->Document == 0) docLen = nl;
            else { doc = states + nl + 1; docLen = statesLen - nl - 1; }
        }
        byte* empty = stackalloc byte[2] { (byte)'{', (byte)'}' };
        if (docLen <= 0) { doc = empty; docLen = 2; }

        Sys.Fast(Nr.ftruncate, outFd, 0);
        Sys.Fast(Nr.lseek, outFd, 0, 0);

        int* fds = stackalloc int[4];
        long r = Sys.Fast(Nr.pipe2, (long)fds, Sys.O_CLOEXEC);
        if (r < 0) return Start(z, h, r);
        r = Sys.Fast(Nr.pipe2, (long)(fds + 2), Sys.O_CLOEXEC);
        if (r < 0) { Close2(fds[0], fds[1]); return Start(z, h, r); }
        int inR = fds[0], inW = fds[1], errR = fds[2], errW = fds[3];
        long w = ZoneLib.WriteAll(inW, doc, docLen);
        Sys.Fast(Nr.close, inW);
        if (w < 0) { Close2(inR, errR); Sys.Fast(Nr.close, errW); return Start(z, h, w); }

        long pid = Sys.Fast(Nr.clone, Sys.SIGCHLD, 0, 0, 0, 0);
        if (pid == 0) Child(h, inR, outFd, errW);
        Sys.Fast(Nr.close, inR);
        Sys.Fast(Nr.close, errW);
        if (pid < 0) { Sys.Fast(Nr.close, errR); return Start(z, h, pid); }

        // The error pipe closes at the hook's execve; four bytes on it are the errno of a failed one.
        int execErrno = 0;
        long got;
        do got = Sys.Fast(Nr.read, errR, (long)&execErrno, 4);
        while (got == -Errno.EINTR);
        Sys.Fast(Nr.close, errR);
        int status = 0;
        if (got == 4)
        {
            Reap(pid, &status);
            return Start(z, h, -execErrno);
        }

        bool timedOut = false;
        if (h->TimeoutSeconds > 0)
        {
            long pidfd = Sys.Fast(Nr.pidfd_open, pid, 0);
            if (pidfd < 0)
            {
                Sys.Fast(Nr.kill, pid, Sys.SIGKILL);
                Reap(pid, &status);
                return Start(z, h, pidfd);
            }
            int* pfd = stackalloc int[2];
            pfd[0] = (int)pidfd;
            pfd[1] = Sys.POLLIN; // short events, short revents
            long ready;
            do ready = Sys.Fast(Nr.poll, (long)pfd, 1, h->TimeoutSeconds * 1000);
            while (ready == -Errno.EINTR);
            Sys.Fast(Nr.close, pidfd);
            if (ready == 0)
            {
                timedOut = true;
                Sys.Fast(Nr.kill, pid, Sys.SIGKILL);
            }
        }
        Reap(pid, &status);
        if (timedOut) return Failed(z, h, outFd, DetailTimeout);
        if ((status & 0x7f) == 0)
        {
            int code = (status >> 8) & 0xff;
            return code == 0 ? 0 : Failed(z, h, outFd, DetailExit | code);
        }
        return Failed(z, h, outFd, DetailSignal | (status & 0x7f));
    }

    /// <summary>The forked hook: stdio set, everything else closed at execve, default signals, nothing blocked
    /// (the zone blocks everything, --init's reaper its own signals).</summary>
    private static void Child(HookCall* h, int inR, long outFd, int errW)
    {
        long* dfl = stackalloc long[4];
        dfl[0] = dfl[1] = dfl[2] = dfl[3] = 0;
        for (int s = 1; s <= 31; s++)
            if (s != 9 && s != 19) Sys.Fast(Nr.rt_sigaction, s, (long)dfl, 0, 8);
        // Above stdio first, so that no dup3 below overwrites a source that happened to sit at 0, 1 or 2.
        long inHigh = Sys.Fast(Nr.fcntl, inR, Sys.F_DUPFD_CLOEXEC, 3);
        long outHigh = Sys.Fast(Nr.fcntl, outFd, Sys.F_DUPFD_CLOEXEC, 3);
        long e = inHigh < 0 ? inHigh : outHigh;
        if (e >= 0) e = Sys.Fast(Nr.dup3, inHigh, 0, 0);
        if (e >= 0) e = Sys.Fast(Nr.dup3, outHigh, 1, 0);
        if (e >= 0) e = Sys.Fast(Nr.dup3, outHigh, 2, 0);
        if (e >= 0) e = Sys.Fast(Nr.close_range, 3, uint.MaxValue, CLOSE_RANGE_CLOEXEC);
        if (e >= 0)
        {
            ulong none = 0;
            Sys.Fast(Nr.rt_sigprocmask, Sys.SIG_SETMASK, (long)&none, 0, 8);
            e = Sys.Fast(Nr.execve, (long)h->Path, (long)h->Argv, (long)h->Envp);
        }
        int errno = (int)-e;
        Sys.Fast(Nr.write, errW, (long)&errno, 4);
        Sys.Fast(Nr.exit_group, 127);
    }

    private static void Reap(long pid, int* status)
    {
        long r;
        do r = Sys.Fast(Nr.wait4, pid, (long)status, Sys.__WALL, 0);
        while (r == -Errno.EINTR);
    }

    private static void Close2(int a, int b)
    {
        Sys.Fast(Nr.close, a);
        Sys.Fast(Nr.close, b);
    }

    /// <summary>The hook could not be started: "start PATH: errno" (HookRunner's words via Sys.Spawn).</summary>
    private static long Start(ZoneState* z, HookCall* h, long negErrno)
    {
        z->Detail = DetailStart;
        if (z->FifoFd >= 0)
        {
            // `start` adds the errno's words to "hooks.x[i]: start PATH".
            int n = ZoneLib.Append(h->Words, 0, (int)h->WordsSize, h->Where);
            n = Text(h->Words, n, (int)h->WordsSize, ": start "u8);
            n = ZoneLib.Append(h->Words, n, (int)h->WordsSize, h->Path);
            if (n > 0) z->FailText[z->Current] = h->Words;
        }
        return negErrno < 0 ? negErrno : -Errno.EIO;
    }

    /// <summary>The hook ran and failed. Before the gate the parent words it (it reads the output memfd); after,
    /// the words are made here as HookRunner makes them.</summary>
    private static long Failed(ZoneState* z, HookCall* h, long outFd, int detail)
    {
        z->Detail = detail;
        if (z->FifoFd < 0) return -Errno.EIO;
        byte* buf = h->Words;
        int cap = (int)h->WordsSize;
        int n = ZoneLib.Append(buf, 0, cap, h->Where);
        n = Text(buf, n, cap, ": "u8);
        n = ZoneLib.Append(buf, n, cap, h->Path);
        int kind = detail & ~0xffffff, value = detail & 0xffffff;
        if (kind == DetailTimeout)
        {
            n = Text(buf, n, cap, " timed out after "u8);
            n = ZoneLib.AppendNumber(buf, n, cap, h->TimeoutSeconds);
            n = Text(buf, n, cap, "s"u8);
        }
        else
        {
            n = Text(buf, n, cap, kind == DetailExit ? " failed (exit status "u8 : " failed (killed by signal "u8);
            n = ZoneLib.AppendNumber(buf, n, cap, value);
            n = Text(buf, n, cap, ")"u8);
            if (n > 0) n = AppendOutput(buf, n, cap, outFd);
        }
        if (n > 0) StartRoutines.FailWith(z, buf);
        return -Errno.EIO;
    }

    /// <summary>": " and the hook's output, trimmed, its newlines made spaces (HookRunner's form); nothing when
    /// there is none.</summary>
    private static int AppendOutput(byte* buf, int at, int cap, long outFd)
    {
        int room = cap - at - 3;
        if (room <= 0) return at;
        long got = Sys.Fast(Nr.pread64, outFd, (long)(buf + at + 2), room > 64 * 1024 ? 64 * 1024 : room, 0);
        if (got <= 0) { buf[at] = 0; return at; }
        byte* s = buf + at + 2;
        long start = 0, end = got;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        if (end == start) { buf[at] = 0; return at; }
        buf[at] = (byte)':';
        buf[at + 1] = (byte)' ';
        long len = end - start;
        for (long i = 0; i < len; i++)
        {
            byte b = s[start + i];
            s[i] = b == '\n' ? (byte)' ' : b;
        }
        s[len] = 0;
        return at + 2 + (int)len;
    }

    private static bool IsSpace(byte b) => b == ' ' || (b >= '\t' && b <= '\r');

    /// <summary>Appends a u8 literal (static data: no allocation).</summary>
    internal static int Text(byte* buf, int at, int cap, ReadOnlySpan<byte> literal)
    {
        if (at < 0 || at + literal.Length + 1 > cap) return -1;
        fixed (byte* l = literal)
            for (int i = 0; i < literal.Length; i++) buf[at + i] = l[i];
        buf[at + literal.Length] = 0;
        return at + literal.Length;
    }
}
