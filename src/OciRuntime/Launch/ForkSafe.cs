using OciRuntime.Interop;

namespace OciRuntime.Launch;

// THE FORK-SAFE ZONE. Read before editing.
//
// This file is the only code that runs in the child between clone and execve. The child is a copy of a
// multi-threaded .NET process with one thread left: the garbage collector, the thread pool and glibc still
// believe the other threads exist. So this code:
//   - allocates nothing on the managed heap (no objects, no text, no collections, no boxing, no lambdas);
//   - calls only Sys.Fast (a [SuppressGCTransition] raw system call), never a libc wrapper that may take a
//     lock or malloc, never anything that can raise an exception;
//   - reads only the unmanaged ZonePlan prepared by the parent before the clone;
//   - ends in the setup program (Setup/ProgramInterpreter.cs), which ends in the user's execve, or in exit_group,
//     reporting a failure as (step, errno) on the sync socket.
// Keep it short. Anything that can be done by the parent before the clone belongs there; anything of the
// container's own setup belongs in the program, as an operation the compilers lay out.
internal static unsafe class ForkSafe
{
    private const long SIGCHLD = 17, PR_SET_DUMPABLE = 4;

    /// <summary>Clones the child; returns its pid (or -errno) in the parent. The child never returns.</summary>
    internal static long Clone(ZonePlan* plan)
    {
        long pid = Sys.Fast(Nr.clone, (long)plan->CloneFlags | SIGCHLD, 0, 0, 0, 0);
        if (pid != 0) return pid;
        Child(plan);
        return 0;
    }

    private static void Child(ZonePlan* p)
    {
        // Before anything joins a container: a process that is still a copy of ocirun, holding the caller's
        // descriptors, must be out of reach of the container's processes. Non-dumpable keeps those without
        // CAP_SYS_PTRACE out of /proc/[pid] (exe, fd, mem); with CAP_SYS_PTRACE they get in all the same, so
        // nothing may be there to find: the binary is a sealed image (Native/sealed_exec.c) and every descriptor
        // not passed on is closed here rather than at execve (CVE-2019-5736, CVE-2024-21626).
        long nd = Sys.Fast(Nr.prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
        if (nd < 0) Fail(p, ZoneStep.NonDumpable, nd, 0);

        // The parent's end must go, or a dead parent would never be noticed (read would not see EOF).
        Sys.Fast(Nr.close, p->ParentSyncFd);
        CloseAllBut(p);

        // Joins come first, the user namespace among them first of all (the plan orders them).
        for (int i = 0; i < p->JoinCount; i++)
        {
            long r = Sys.Fast(Nr.setns, p->JoinFds[i], p->JoinTypes[i]);
            if (r < 0) Fail(p, ZoneStep.Setns, r, p->JoinTypes[i]);
            Sys.Fast(Nr.close, p->JoinFds[i]);
        }

        if (p->UnshareUserFirst != 0)
        {
            long r = Sys.Fast(Nr.unshare, (long)Sys.CLONE_NEWUSER);
            if (r < 0) Fail(p, ZoneStep.UnshareUser, r, 0);
        }

        // One round trip when needed: the parent writes id maps and joins us to the cgroup, then says Go.
        if (p->WaitForGo != 0)
        {
            if (p->DumpableForMaps != 0) Sys.Fast(Nr.prctl, PR_SET_DUMPABLE, 1, 0, 0, 0);
            Send(p, ZoneMessage.Hello, 0, 0, 0);
            long got = Sys.Fast(Nr.read, p->SyncFd, (long)p->Message, 16);
            if (got != 16 || p->Message[0] != (int)ZoneMessage.Go) Sys.Fast(Nr.exit_group, 1);
            if (p->DumpableForMaps != 0)
            {
                long r = Sys.Fast(Nr.prctl, PR_SET_DUMPABLE, 0, 0, 0, 0);
                if (r < 0) Fail(p, ZoneStep.NonDumpable, r, 0);
            }
        }

        if (p->BecomeRoot != 0)
        {
            long r = Sys.Fast(Nr.setresgid, 0, 0, 0);
            if (r < 0) Fail(p, ZoneStep.SetResGid, r, 0);
            r = Sys.Fast(Nr.setresuid, 0, 0, 0);
            if (r < 0) Fail(p, ZoneStep.SetResUid, r, 0);
        }

        if (p->UnshareFlags != 0)
        {
            long r = Sys.Fast(Nr.unshare, (long)p->UnshareFlags);
            if (r < 0) Fail(p, ZoneStep.Unshare, r, (long)p->UnshareFlags);
        }

        if (p->TimeOffsetsLength > 0) WriteTimeOffsets(p);

        if (p->ForkAgain != 0)
        {
            long pid = Sys.Fast(Nr.clone, SIGCHLD, 0, 0, 0, 0);
            if (pid < 0) Fail(p, ZoneStep.ForkAgain, pid, 0);
            if (pid > 0)
            {
                Send(p, ZoneMessage.ChildPid, (int)pid, 0, 0);
                Sys.Fast(Nr.exit_group, 0);
            }
        }

        // The setup program: the container is built here, by this process, and it ends in the user's execve.
        Setup.ProgramInterpreter.Run(p->Program); // never returns: execve, an Exit operation or a reported failure
    }

    /// <summary>Writes the offsets of the time namespace just unshared, through the verified procfs the parent
    /// passed, as every /proc write goes (ProcHandle): "/proc/self" could be a mount or a symlink the container
    /// placed, and a write through it would land elsewhere (CVE-2025-52881). Details 1-4 name the failed step.</summary>
    private static void WriteTimeOffsets(ZonePlan* p)
    {
        // "self" read from that procfs names this process in its pid namespace: "<pid>". (timens_offsets is a
        // per-process file: /proc/<pid>/task/<tid> has none, so not "thread-self"; the zone has one thread anyway.)
        const int Max = 96;
        byte* path = stackalloc byte[Max];
        long n;
        fixed (byte* link = "self\0"u8) n = Sys.Fast(Nr.readlinkat, p->ProcFd, (long)link, (long)path, Max);
        if (n < 0) Fail(p, ZoneStep.TimeOffsets, n, 1);
        fixed (byte* leaf = "/timens_offsets\0"u8)
        {
            const int LeafWithNul = 16;
            if (n + LeafWithNul > Max) Fail(p, ZoneStep.TimeOffsets, -Errno.ERANGE, 1);
            for (int i = 0; i < LeafWithNul; i++) path[n + i] = leaf[i];
        }

        ulong* how = stackalloc ulong[3];
        how[0] = (ulong)(Sys.O_WRONLY | Sys.O_CLOEXEC);
        how[1] = 0;
        how[2] = Sys.RESOLVE_BENEATH | Sys.RESOLVE_NO_XDEV | Sys.RESOLVE_NO_SYMLINKS | Sys.RESOLVE_NO_MAGICLINKS;
        long fd = Sys.Fast(Nr.openat2, p->ProcFd, (long)path, (long)how, 24);
        if (fd < 0) Fail(p, ZoneStep.TimeOffsets, fd, 2);

        long s = Sys.TryFsType(fd);
        if (s < 0) Fail(p, ZoneStep.TimeOffsets, s, 3);
        if (s != Sys.PROC_SUPER_MAGIC) Fail(p, ZoneStep.TimeOffsets, -Errno.EXDEV, 3);

        // The kernel takes the offsets in one write.
        long w = Sys.Fast(Nr.write, fd, (long)p->TimeOffsets, p->TimeOffsetsLength);
        if (w < 0) Fail(p, ZoneStep.TimeOffsets, w, 4);
        if (w != p->TimeOffsetsLength) Fail(p, ZoneStep.TimeOffsets, -Errno.EIO, 4);
        Sys.Fast(Nr.close, fd);
        Sys.Fast(Nr.close, p->ProcFd);
    }

    /// <summary>Closes every descriptor from CloseFrom up except the retained ones (sorted by the builder).</summary>
    private static void CloseAllBut(ZonePlan* p)
    {
        long next = p->CloseFrom;
        for (int i = 0; i < p->RetainCount; i++)
        {
            long keep = p->Retain[i];
            if (keep < next) continue;
            if (keep > next)
            {
                long r = Sys.Fast(Nr.close_range, next, keep - 1, 0);
                if (r < 0) Fail(p, ZoneStep.CloseFds, r, next);
            }
            next = keep + 1;
        }
        long last = Sys.Fast(Nr.close_range, next, uint.MaxValue, 0);
        if (last < 0) Fail(p, ZoneStep.CloseFds, last, next);
    }

    private static void Send(ZonePlan* p, ZoneMessage kind, int a, int b, int c)
    {
        p->Message[0] = (int)kind; p->Message[1] = a; p->Message[2] = b; p->Message[3] = c;
        Sys.Fast(Nr.write, p->SyncFd, (long)p->Message, 16);
    }

    private static void Fail(ZonePlan* p, ZoneStep step, long negErrno, long detail)
    {
        Send(p, ZoneMessage.Failed, (int)step, (int)-negErrno, (int)detail);
        Sys.Fast(Nr.exit_group, 1);
    }
}
