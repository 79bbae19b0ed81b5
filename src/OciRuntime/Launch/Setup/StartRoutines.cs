using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>Zone routines for the console, hooks run in the container, the exec FIFO and the --init reaper.
/// Allocation-free (ForkSafe.cs rules).</summary>
internal static unsafe class StartRoutines
{
    /// <summary>a0: the exec FIFO's O_PATH fd, a1: the procfs fd to reopen it through (<see cref="ContainerProc"/>'s,
    /// or the host's held from before a chroot); closed here. Blocks until `start` opens the FIFO for reading, writes "0",
    /// and keeps the write end (close-on-exec) as <see cref="ZoneState.FifoFd"/>: failures from here on go to
    /// `start`, and its end-of-file tells `start` that execve happened. Result: the write end.
    /// Detail: 2 not the root of a procfs, 3 open the FIFO, 4 write.</summary>
    public const int Gate = OpKind.StartFirst + 0;
    /// <summary>a0: <see cref="HookCall"/>*, a1: the output memfd, a2: the state documents, a3: their length.
    /// Runs one hook in the container (HookRoutine).</summary>
    public const int Hook = OpKind.StartFirst + 1;
    /// <summary>a0: 1 with a terminal, a1: the mask the reaper reads through its signalfd, a2: the argument and
    /// environment areas to overwrite (ReaperRoutine.ArgumentArea). --init: forks; the child
    /// returns 0 and goes on with the program (to execve), the parent becomes pid 1's reaper and never returns.</summary>
    public const int Reaper = OpKind.StartFirst + 2;
    /// <summary>a0: root fd, a1: procfs fd. Opens /dev/pts/ptmx O_PATH in the root, proves it a devpts ptmx,
    /// reopens it read-write through the procfs. Result: the master. Detail: see ConsoleRoutines.</summary>
    public const int OpenPtmx = OpKind.StartFirst + 3;
    /// <summary>a0: root fd, a1: the pty slave. /dev/console created or opened without following a symlink and
    /// the slave bind-mounted onto it by fd.</summary>
    public const int BindConsole = OpKind.StartFirst + 4;
    /// <summary>a0: the console socket, a1: the master. Sends "/dev/pts/N" with the master (SCM_RIGHTS).</summary>
    public const int SendMaster = OpKind.StartFirst + 5;
    /// <summary>After pivot_root: "/proc" O_PATH, proven the root of a procfs. Result: its fd, for the gate.
    /// Detail: 1 open, 2 not a procfs.</summary>
    public const int ContainerProc = OpKind.StartFirst + 6;

    internal static string NameOf(int kind) => kind switch
    {
        Gate => "exec-fifo-gate", Hook => "hook", Reaper => "init-reaper", OpenPtmx => "open-ptmx",
        BindConsole => "bind-console", SendMaster => "send-pty-master", ContainerProc => "container-proc", _ => "start." + (kind - OpKind.StartFirst),
    };

    internal static long Run(ZoneState* z, SetupOp* op, long* a)
    {
        switch (op->Kind)
        {
            case Gate: return WaitForStart(z, a[0], a[1]);
            case Hook: return HookRoutine.Run(z, (HookCall*)a[0], a[1], (byte*)a[2], a[3]);
            case Reaper: return ReaperRoutine.Run(z, a[0] != 0, (ulong)a[1], (long*)a[2]);
            case OpenPtmx: return ConsoleRoutines.OpenPtmx(z, a[0], a[1]);
            case BindConsole: return ConsoleRoutines.BindConsole(z, a[0], a[1]);
            case SendMaster: return ConsoleRoutines.SendMaster(z, a[0], a[1]);
            case ContainerProc: return OpenContainerProc(z);
        }
        return -Errno.ENOSYS;
    }

    /// <summary>The container's /proc, which "self" names us in. Proven a procfs root: without one (a config with
    /// no /proc mount) the image's own directory tree would stand in for it, and a planted file at
    /// /proc/self/fd/N would open without blocking, so the user process would run before `start`.</summary>
    private static long OpenContainerProc(ZoneState* z)
    {
        byte* slashProc = stackalloc byte[6] { (byte)'/', (byte)'p', (byte)'r', (byte)'o', (byte)'c', 0 };
        long proc = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)slashProc, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC);
        if (proc < 0) { z->Detail = 1; return proc; }
        if (ZoneLib.IsProcRoot(proc)) return proc;
        Sys.Fast(Nr.close, proc);
        z->Detail = 2;
        return -Errno.EXDEV;
    }

    private static long WaitForStart(ZoneState* z, long fifoPath, long proc)
    {
        if (!ZoneLib.IsProcRoot(proc))
        {
            Sys.Fast(Nr.close, proc);
            z->Detail = 2;
            return -Errno.EXDEV;
        }
        byte* path = stackalloc byte[40];
        byte* prefix = stackalloc byte[9] { (byte)'s', (byte)'e', (byte)'l', (byte)'f', (byte)'/', (byte)'f', (byte)'d', (byte)'/', 0 };
        ZoneLib.PathWithNumber(path, 40, prefix, fifoPath);
        // Blocks until `start` opens the other end. Signals are default and unblocked here, so `kill` ends us.
        long fd;
        do fd = Sys.Fast(Nr.openat, proc, (long)path, Sys.O_WRONLY | Sys.O_CLOEXEC);
        while (fd == -Errno.EINTR);
        Sys.Fast(Nr.close, proc);
        if (fd < 0) { z->Detail = 3; return fd; }
        Sys.Fast(Nr.close, fifoPath);
        byte released = ExecGate.Released;
        long w = ZoneLib.WriteAll(fd, &released, 1);
        if (w < 0)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = 4;
            return w;
        }
        z->FifoFd = (int)fd;
        return fd;
    }

    /// <summary>After the gate a routine may word its own failure: the text goes where the interpreter takes the
    /// operation's words from, and `start` shows it as it is (ExecGate.WholeText).</summary>
    internal static void FailWith(ZoneState* z, byte* text)
    {
        z->FailText[z->Current] = text;
        z->Detail = ExecGate.WholeText;
    }
}
