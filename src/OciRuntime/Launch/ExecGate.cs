using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The exec FIFO that separates create from start. Init blocks opening it for writing; `start` opens it for
/// reading, which releases init. Init writes "0", keeps the FIFO open close-on-exec, and execs: `start` reading
/// until end-of-file therefore learns that execve happened (or reads init's error), so poststart hooks run after
/// the user process exists, as the spec orders.
/// </summary>
internal static class ExecGate
{
    internal const byte Released = (byte)'0', Failed = (byte)'E';
    /// <summary>The setup program's failure after the gate is 'E' + its words + "\x01errno\x01detail"
    /// (ProgramInterpreter.Fail); this detail says the words are whole, no errno to add.</summary>
    internal const int WholeText = 1 << 30;
    private const byte Separator = 1;

    /// <summary>Init side: blocks until `start`; returns the write end (close-on-exec).</summary>
    internal static int WaitForStart(int fifoPathFd, int hostProcFd = -1)
    {
        // Without a mount namespace the container may have no /proc of its own: reopen through the host's,
        // held open (close-on-exec) from before the chroot.
        long fd = hostProcFd >= 0
            ? Sys.TryOpenAtBlocking(hostProcFd, $"self/fd/{fifoPathFd}", Sys.O_WRONLY)
            : Sys.TryOpenBlocking(RootfsProc(fifoPathFd), Sys.O_WRONLY);
        Sys.Close(hostProcFd);
        Sys.Check(fd, "open exec fifo");
        Sys.Close(fifoPathFd);
        Sys.WriteAll((int)fd, [Released], "write exec fifo");
        return (int)fd;
    }

    private static string RootfsProc(int fd) => $"/proc/self/fd/{fd}";

    /// <summary>What follows 'E': `ocirun init`'s message as it is, or the setup program's words, errno and
    /// detail, made into one line (errno in runc's words: docker picks the exit code of a failed exec from them).</summary>
    internal static string Words(ReadOnlySpan<byte> failure)
    {
        int second = failure.LastIndexOf(Separator);
        int first = second > 0 ? failure[..second].LastIndexOf(Separator) : -1;
        if (first < 0 || !int.TryParse(failure[(first + 1)..second], out int errno) || !int.TryParse(failure[(second + 1)..], out int detail))
            return Encoding.UTF8.GetString(failure);
        string text = Encoding.UTF8.GetString(failure[..first]);
        return detail == WholeText ? text : $"{text}: {ExecTarget.ErrnoText(errno)}";
    }

    internal static void ReportFailure(int fifoWriteFd, string message) =>
        Sys.TryWrite(fifoWriteFd, Encoding.UTF8.GetBytes("E" + message));

    /// <summary>`start` side: releases init and waits until it has exec'd or failed. Returns init's error, if any.</summary>
    internal static string? Release(string fifoPath, int pid)
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, fifoPath, Sys.O_RDONLY | Sys.O_NONBLOCK);
        if (fd == -Errno.ENOENT) throw new RuntimeError("container is not in the created state (exec fifo is gone)");
        Sys.Check(fd, $"open {fifoPath}");
        long pidfd = Sys.TryPidfdOpen(pid);
        try
        {
            var received = new MemoryStream();
            Span<Sys.PollFd> fds = stackalloc Sys.PollFd[2];
            Span<byte> buf = stackalloc byte[4096];
            while (true)
            {
                fds[0] = new Sys.PollFd { Fd = (int)fd, Events = Sys.POLLIN };
                fds[1] = new Sys.PollFd { Fd = (int)pidfd, Events = Sys.POLLIN };
                long ready = Sys.TryPoll(fds[..(pidfd >= 0 ? 2 : 1)], -1);
                Sys.Check(ready, "poll exec fifo");
                if ((fds[0].Revents & Sys.POLLIN) != 0)
                {
                    long n = Sys.TryRead((int)fd, buf);
                    if (n > 0) { received.Write(buf[..(int)n]); continue; }
                    if (n == 0) break;
                    if (n == -Errno.EAGAIN) continue;
                    Sys.Check(n, "read exec fifo");
                }
                if ((fds[0].Revents & (Sys.POLLHUP | Sys.POLLERR)) != 0)
                {
                    // Drain what is left, then the writer is gone: exec'd or dead.
                    long n;
                    while ((n = Sys.TryRead((int)fd, buf)) > 0) received.Write(buf[..(int)n]);
                    break;
                }
                if (pidfd >= 0 && (fds[1].Revents & Sys.POLLIN) != 0)
                {
                    long n;
                    while ((n = Sys.TryRead((int)fd, buf)) > 0) received.Write(buf[..(int)n]);
                    if (received.Length == 0) return "container init exited before start";
                    break;
                }
            }
            var text = received.ToArray();
            if (text.Length == 0) return "container init exited before start";
            int err = Array.IndexOf(text, Failed);
            return err >= 0 ? Words(text.AsSpan(err + 1)) : null;
        }
        finally
        {
            Sys.Close((int)fd);
            if (pidfd >= 0) Sys.Close((int)pidfd);
        }
    }
}
