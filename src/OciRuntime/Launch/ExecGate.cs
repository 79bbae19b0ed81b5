using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The exec FIFO that separates create from start. The setup program blocks opening it for writing
/// (Setup/StartCompiler's gate); `start` opens it for reading, which releases it. The program writes "0", keeps
/// the FIFO open close-on-exec, and execs: `start` reading until end-of-file therefore learns that execve happened
/// (or reads the program's error), so poststart hooks run after the user process exists, as the spec orders.
/// </summary>
internal static class ExecGate
{
    internal const byte Released = (byte)'0', Failed = (byte)'E';
    /// <summary>The setup program's failure after the gate is 'E' + its words + "\x01errno\x01detail"
    /// (ProgramInterpreter.Fail); this detail says the words are whole, no errno to add.</summary>
    internal const int WholeText = 1 << 30;
    private const byte Separator = 1;

    /// <summary>What follows 'E': the setup program's words, errno and detail made into one line (a text without
    /// them is shown as it is) (errno in runc's words: docker picks the exit code of a failed exec from them).</summary>
    internal static string Words(ReadOnlySpan<byte> failure)
    {
        int second = failure.LastIndexOf(Separator);
        int first = second > 0 ? failure[..second].LastIndexOf(Separator) : -1;
        if (first < 0 || !int.TryParse(failure[(first + 1)..second], out int errno) || !int.TryParse(failure[(second + 1)..], out int detail))
            return Encoding.UTF8.GetString(failure);
        string text = Encoding.UTF8.GetString(failure[..first]);
        return detail == WholeText ? text : $"{text}: {ExecTarget.ErrnoText(errno)}";
    }

    /// <summary>`start` side: releases the container's process and waits until it has exec'd or failed. Returns its
    /// error, if any.</summary>
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
