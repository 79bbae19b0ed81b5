using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// The zone's own routines: timing marks, a verified procfs and the /proc writes beneath it (ProcHandle's rules,
/// allocation-free), the sync socket, signal dispositions, exit. Allocation-free (ForkSafe.cs rules).
/// </summary>
internal static unsafe class CoreRoutines
{
    /// <summary>a0: mark index. Stores CLOCK_MONOTONIC in nanoseconds.</summary>
    public const int Mark = OpKind.CoreFirst + 0;
    /// <summary>a0: "/proc" (for the fallbacks). Result: the fd of a verified procfs root (ProcHandle.Open).</summary>
    public const int OpenProc = OpKind.CoreFirst + 1;
    /// <summary>a0: procfs fd, a1: path beneath it ("self/..." and "thread-self/..." resolved from it), a2: data,
    /// a3: length. One write(2). Detail: 1 readlink self, 2 open, 3 not procfs, 4 write.</summary>
    public const int ProcWrite = OpKind.CoreFirst + 2;
    /// <summary>a0: procfs fd, a1: path, a2: expected prefix (C string). Result: 1 if the file starts with it, else 0.</summary>
    public const int ProcStartsWith = OpKind.CoreFirst + 3;
    /// <summary>a0: ZoneMessage kind; a1: reply buffer (or 0), a2: its size. Sends the request and waits for Done
    /// (result: payload length) or ParentFailed (the zone ends quietly: the parent reports).</summary>
    public const int Request = OpKind.CoreFirst + 4;
    /// <summary>a0: ZoneMessage kind, a1: fd. Sends the fd (SCM_RIGHTS), then waits as Request does.</summary>
    public const int SendFd = OpKind.CoreFirst + 5;
    /// <summary>Sends Ready with the marks taken so far.</summary>
    public const int Ready = OpKind.CoreFirst + 6;
    /// <summary>Closes the sync socket (create: the parent has what it needs).</summary>
    public const int CloseSync = OpKind.CoreFirst + 7;
    /// <summary>Default dispositions for every catchable signal (the .NET runtime ignores SIGPIPE, and an ignored
    /// signal stays ignored across execve), then a0 as the signal mask.</summary>
    public const int ResetSignals = OpKind.CoreFirst + 8;
    /// <summary>exit_group(a0).</summary>
    public const int Exit = OpKind.CoreFirst + 9;
    /// <summary>a0: the argument area (ReaperRoutine.ArgumentArea). The clone's command line and environment (the
    /// CLI's: bundle, --root, the caller's variables) overwritten in place with "ocirun setup".</summary>
    public const int Retitle = OpKind.CoreFirst + 10;

    internal static string NameOf(int kind) => kind switch
    {
        Mark => "mark", OpenProc => "open-proc", ProcWrite => "proc-write", ProcStartsWith => "proc-starts-with",
        Request => "request", SendFd => "send-fd", Ready => "ready", CloseSync => "close-sync",
        ResetSignals => "reset-signals", Exit => "exit", Retitle => "retitle", _ => "core." + kind,
    };

    internal static long Run(ZoneState* z, SetupOp* op, long* a)
    {
        switch (op->Kind)
        {
            case Mark:
            {
                long* ts = stackalloc long[2];
                const long CLOCK_MONOTONIC = 1;
                Sys.Fast(Nr.clock_gettime, CLOCK_MONOTONIC, (long)ts);
                z->Times[a[0]] = ts[0] * 1_000_000_000 + ts[1];
                if (a[0] + 1 > z->TimeCount) z->TimeCount = (int)a[0] + 1;
                return 0;
            }
            case OpenProc: return OpenProcfs((byte*)a[0]);
            case ProcWrite: return WriteBeneath(z, a[0], (byte*)a[1], (byte*)a[2], a[3]);
            case ProcStartsWith: return StartsWith(z, a[0], (byte*)a[1], (byte*)a[2]);
            case Request:
            {
                long s = SyncProtocol.ZoneSend(z, (ZoneMessage)a[0], z->Current, 0, 0);
                return s < 0 ? s : AwaitReply(z, (byte*)a[1], a[2]);
            }
            case SendFd:
            {
                long s = SyncProtocol.ZoneSendFd(z, (ZoneMessage)a[0], (int)a[1]);
                return s < 0 ? s : AwaitReply(z, null, 0);
            }
            case Ready:
                return SyncProtocol.ZoneSend(z, ZoneMessage.Ready, z->TimeCount, (byte*)z->Times, z->TimeCount * sizeof(long));
            case CloseSync:
                Sys.Fast(Nr.close, z->SyncFd);
                z->SyncFd = -1;
                return 0;
            case ResetSignals:
            {
                long* dfl = stackalloc long[4]; // struct kernel_sigaction: handler, flags, restorer, mask
                dfl[0] = dfl[1] = dfl[2] = dfl[3] = 0;
                for (int s = 1; s <= 31; s++)
                    if (s != 9 && s != 19) Sys.Fast(Nr.rt_sigaction, s, (long)dfl, 0, 8);
                ulong mask = (ulong)a[0];
                return Sys.Fast(Nr.rt_sigprocmask, Sys.SIG_SETMASK, (long)&mask, 0, 8);
            }
            case Exit:
                Sys.Fast(Nr.exit_group, a[0]);
                return 0;
            case Retitle:
                ReaperRoutine.Retitle((long*)a[0]);
                return 0;
        }
        return -Errno.ENOSYS;
    }

    private static long AwaitReply(ZoneState* z, byte* buf, long cap)
    {
        byte* msg = z->Scratch;
        long n = Sys.Fast(Nr.read, z->SyncFd, (long)msg, ZoneState.ScratchSize);
        if (n < SyncProtocol.HeaderSize) Sys.Fast(Nr.exit_group, 1); // the parent is gone
        int kind = *(int*)msg;
        if (kind != (int)ZoneMessage.Done) Sys.Fast(Nr.exit_group, 1); // ParentFailed: the parent reports
        long len = n - SyncProtocol.HeaderSize;
        if (buf == null) return 0;
        if (len > cap - 1) return -Errno.E2BIG;
        for (long i = 0; i < len; i++) buf[i] = msg[SyncProtocol.HeaderSize + i];
        buf[len] = 0;
        return len;
    }

    /// <summary>ProcHandle.Open without allocation: a fresh procfs, else a clone of /proc, else /proc; verified.</summary>
    private static long OpenProcfs(byte* procPath)
    {
        byte* proc = stackalloc byte[5] { (byte)'p', (byte)'r', (byte)'o', (byte)'c', 0 };
        long ctx = Sys.Fast(Nr.fsopen, (long)proc, 1 /* FSOPEN_CLOEXEC */);
        if (ctx >= 0)
        {
            const long FSCONFIG_CMD_CREATE = 6, FSMOUNT_CLOEXEC = 1;
            long r = Sys.Fast(Nr.fsconfig, ctx, FSCONFIG_CMD_CREATE, 0, 0, 0);
            long fd = r < 0 ? r : Sys.Fast(Nr.fsmount, ctx, FSMOUNT_CLOEXEC, Sys.MOUNT_ATTR_NOSUID | Sys.MOUNT_ATTR_NODEV | Sys.MOUNT_ATTR_NOEXEC);
            Sys.Fast(Nr.close, ctx);
            if (fd >= 0 && ZoneLib.IsProcRoot(fd)) return fd;
            if (fd >= 0) Sys.Fast(Nr.close, fd);
        }
        const long OPEN_TREE_CLONE = 1;
        for (int i = 0; i < 2; i++)
        {
            long flags = OPEN_TREE_CLONE | Sys.O_CLOEXEC | (i == 1 ? Sys.AT_RECURSIVE : 0);
            long fd = Sys.Fast(Nr.open_tree, Sys.AT_FDCWD, (long)procPath, flags);
            if (fd >= 0 && ZoneLib.IsProcRoot(fd)) return fd;
            if (fd >= 0) Sys.Fast(Nr.close, fd);
        }
        long plain = Sys.Fast(Nr.openat, Sys.AT_FDCWD, (long)procPath, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW | Sys.O_CLOEXEC);
        if (plain < 0) return plain;
        if (ZoneLib.IsProcRoot(plain)) return plain;
        Sys.Fast(Nr.close, plain);
        return -Errno.EXDEV;
    }

    /// <summary>Opens a /proc file beneath the verified root, "self"/"thread-self" read from that root (the
    /// zone's own names in the procfs's pid namespace), and checks the result is on procfs; fd or -errno.</summary>
    internal static long OpenBeneath(ZoneState* z, long procFd, byte* path, long flags)
    {
        byte* buf = z->Scratch;
        const int Cap = 4096;
        int slash = 0;
        while (path[slash] != 0 && path[slash] != '/') slash++;
        byte* resolved = path;
        bool self = slash == 4 && path[0] == 's' && path[1] == 'e' && path[2] == 'l' && path[3] == 'f';
        bool threadSelf = slash == 11 && path[0] == 't' && path[6] == '-' && path[7] == 's' && path[10] == 'f';
        if (self || threadSelf)
        {
            byte save = path[slash];
            byte* first = stackalloc byte[12];
            for (int i = 0; i < slash; i++) first[i] = path[i];
            first[slash] = 0;
            long n = Sys.Fast(Nr.readlinkat, procFd, (long)first, (long)buf, Cap - 1);
            if (n < 0) { z->Detail = 1; return n; }
            buf[n] = 0;
            int at = ZoneLib.Append(buf, (int)n, Cap, path + slash);
            if (at < 0) { z->Detail = 1; return -Errno.ENAMETOOLONG; }
            _ = save;
            resolved = buf;
        }
        long fd = ZoneLib.Openat2(procFd, resolved, flags, ZoneLib.Beneath);
        if (fd < 0) { z->Detail = 2; return fd; }
        if (Sys.TryFsType(fd) != Sys.PROC_SUPER_MAGIC)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = 3;
            return -Errno.EXDEV;
        }
        return fd;
    }

    private static long WriteBeneath(ZoneState* z, long procFd, byte* path, byte* data, long len)
    {
        long fd = OpenBeneath(z, procFd, path, Sys.O_WRONLY);
        if (fd < 0) return fd;
        long w = Sys.Fast(Nr.write, fd, (long)data, len);
        Sys.Fast(Nr.close, fd);
        if (w < 0) { z->Detail = 4; return w; }
        if (w != len) { z->Detail = 4; return -Errno.EIO; }
        return 0;
    }

    private static long StartsWith(ZoneState* z, long procFd, byte* path, byte* expected)
    {
        long fd = OpenBeneath(z, procFd, path, Sys.O_RDONLY);
        if (fd < 0) return 0;
        byte* buf = z->Scratch;
        long n = Sys.Fast(Nr.read, fd, (long)buf, 256);
        Sys.Fast(Nr.close, fd);
        int want = ZoneLib.Strlen(expected);
        if (n < want) return 0;
        for (int i = 0; i < want; i++) if (buf[i] != expected[i]) return 0;
        return 1;
    }
}
