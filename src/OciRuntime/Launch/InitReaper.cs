using System.Runtime.InteropServices;
using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// `--init` (or the annotation io.ocirun.init=true): init stays as the container's pid 1 after the exec gate. It
/// forks the user process, forwards every catchable signal to it, reaps every child the kernel gives it (orphans
/// included), and exits with the user process's status (128+n when killed by signal n), as tini does.
///
/// The forwarded signals are blocked from init's very start (the zone execs init with them blocked), so every
/// thread the .NET runtime starts inherits the block and none is ever delivered: they queue for the signalfd.
/// A namespace's pid 1 that let one through with no handler would silently drop it.
/// </summary>
internal static unsafe class InitReaper
{
    private const int SIGCHLD = 17, TIOCSPGRP = 0x5410;
    private const long NrRtSigaction = 13, NrSetpgid = 109, NrSignalfd4 = 289;

    /// <summary>Signals the reaper forwards: 1..31 but KILL and STOP (not catchable), CHLD (its own), and the
    /// synchronous faults (ILL, TRAP, ABRT, BUS, FPE, SEGV, SYS), which belong to the process that raised them.</summary>
    internal static readonly int[] Forwarded = [1, 2, 3, 10, 12, 13, 14, 15, 16, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

    /// <summary>The mask init is exec'd with: the forwarded signals and SIGCHLD.</summary>
    internal static ulong BlockedMask
    {
        get
        {
            ulong m = Bit(SIGCHLD);
            foreach (int s in Forwarded) m |= Bit(s);
            return m;
        }
    }

    private static ulong Bit(int sig) => 1UL << (sig - 1);

    [StructLayout(LayoutKind.Sequential)]
    private struct KernelSigaction { public nint Handler; public ulong Flags; public nint Restorer; public ulong Mask; }

    /// <summary>
    /// Before the user process's execve: the .NET runtime ignores SIGPIPE, and an ignored signal stays ignored
    /// across execve; a container's process must start with default dispositions and nothing blocked.
    /// Only raw system calls: also called in a forked child.
    /// </summary>
    internal static void ResetSignals()
    {
        KernelSigaction dfl = default;
        for (int s = 1; s <= 31; s++)
            if (s != 9 && s != 19) Sys.Fast(NrRtSigaction, s, (long)&dfl, 0, 8);
        ulong none = 0;
        Sys.Fast(Nr.rt_sigprocmask, Sys.SIG_SETMASK, (long)&none, 0, 8);
    }

    /// <summary>Forks and execs the user process, then reaps and forwards until it exits; never returns normally.</summary>
    internal static int Run(ExecTarget target, int fifo, int preserveFds, bool terminal)
    {
        // Everything the child touches is built before the fork: it may only make raw system calls.
        var blocks = new List<nint>();
        byte* Str(string s)
        {
            var b = CString.Of(s);
            var p = (byte*)NativeMemory.Alloc((nuint)b.Length);
            blocks.Add((nint)p);
            b.CopyTo(new Span<byte>(p, b.Length));
            return p;
        }
        byte** Arr(IReadOnlyList<string> items)
        {
            var a = (byte**)NativeMemory.AllocZeroed((nuint)((items.Count + 1) * sizeof(byte*)));
            blocks.Add((nint)a);
            for (int i = 0; i < items.Count; i++) a[i] = Str(items[i]);
            return a;
        }
        byte* path = Str(target.Path);
        byte** argv = Arr(target.Argv);
        byte** envp = Arr(target.Env);

        ulong mask = BlockedMask;
        Sys.SetSignalMask(mask); // already so since exec; this thread is the one that forks
        long sfd = Sys.Fast(NrSignalfd4, -1, (long)&mask, 8, Sys.O_CLOEXEC);
        Sys.Check(sfd, "--init: signalfd");
        var (statusR, statusW) = Sys.Pipe();

        long pid = Sys.Fast(Nr.clone, SIGCHLD, 0, 0, 0, 0);
        if (pid == 0)
        {
            // The child: a one-thread copy of this process. Raw system calls only, then execve.
            Sys.Fast(NrSetpgid, 0, 0);
            if (terminal)
            {
                int self = (int)Sys.Fast(Nr.getpid);
                Sys.Fast(Nr.ioctl, 0, TIOCSPGRP, (long)&self); // SIGTTOU is still blocked here
            }
            ResetSignals();
            long e = Sys.Fast(Nr.execve, (long)path, (long)argv, (long)envp);
            int errno = (int)-e;
            Sys.Fast(Nr.write, statusW, (long)&errno, 4);
            Sys.Fast(Nr.exit_group, 127);
        }
        Sys.Close(statusW);
        if (pid < 0)
        {
            ExecGate.ReportFailure(fifo, $"--init: fork the container's process: {SyscallException.Describe((int)-pid)}");
            return 1;
        }
        int child = (int)pid;

        // The pipe closes on execve: then `start` may learn (end of the exec FIFO) that the process runs.
        Span<byte> status = stackalloc byte[4];
        long got = Sys.Read(statusR, status);
        Sys.Close(statusR);
        foreach (var b in blocks) NativeMemory.Free((void*)b);
        if (got == 4)
        {
            int errno = BitConverter.ToInt32(status);
            Sys.Wait(child, out _, 0);
            ExecGate.ReportFailure(fifo, $"process.args[0]: exec {target.Path}: {ExecTarget.ErrnoText(errno)}");
            return 1;
        }
        Sys.Close(fifo);
        // Pid 1 keeps stdio and its signalfd, nothing else: not the preserved descriptors (the user process's
        // sockets must close when it closes them), not what ocirun's caller or the runtime left open.
        _ = preserveFds;
        Sys.Fast(Nr.close_range, 3, sfd - 1, 0);
        Sys.Fast(Nr.close_range, sfd + 1, uint.MaxValue, 0);
        GC.Collect();

        Loop((int)sfd, child);
        return 0;
    }

    private static void Loop(int sfd, int child)
    {
        Span<byte> info = stackalloc byte[128 * 16]; // struct signalfd_siginfo is 128 bytes
        while (true)
        {
            long n = Sys.Read(sfd, info);
            if (n < 0) n = 0;
            for (int off = 0; off + 128 <= n; off += 128)
            {
                int sig = (int)BitConverter.ToUInt32(info[off..]);
                if (sig != SIGCHLD)
                {
                    Sys.Kill(child, sig);
                    continue;
                }
                while (true)
                {
                    long r = Sys.Wait(-1, out int st, Sys.WNOHANG | Sys.__WALL);
                    if (r <= 0) break;
                    if (r == child) Sys.Fast(Nr.exit_group, Sys.ExitCodeOf(st));
                }
            }
            if (n == 0)
            {
                // No signalfd (should not happen): fall back to blocking waits.
                while (true)
                {
                    long r = Sys.Wait(-1, out int st, Sys.__WALL);
                    if (r == child || r == -Errno.ECHILD) Sys.Fast(Nr.exit_group, r == child ? Sys.ExitCodeOf(st) : 1);
                }
            }
        }
    }
}
