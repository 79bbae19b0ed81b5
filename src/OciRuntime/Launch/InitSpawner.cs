using System.Buffers.Binary;
using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>What the parent does for the child while it comes up (between clone and the program's Ready).</summary>
internal interface ISpawnCallbacks
{
    /// <summary>The container's process exists (host pid): join the cgroup, apply limits.</summary>
    void OnChild(int pid);
    /// <summary>The program paused before pivot_root: run prestart and createRuntime hooks. Returns the state
    /// documents (creating, then created, one per line) for the hooks the program runs itself.</summary>
    string OnParentHooks(int pid);
    /// <summary>The program is about to give up root: set its rlimits now (prlimit needs matching credentials).</summary>
    void OnLimits(int pid);
}

/// <summary>
/// The parent side of the process model (DESIGN.md §3): prepares descriptors, compiles the setup program into the
/// zone plan, clones, answers the program's requests, and waits until it reports Ready or fails.
/// </summary>
internal static class InitSpawner
{
    internal sealed record Request(Spec Spec, InitPlan Plan, int FifoPathFd, int ConsoleSocketFd, PhaseTimer Timer)
    {
        /// <summary>The host's cgroup mounts as create read them (null: read again where needed).</summary>
        public CgroupLayout? CgroupLayout { get; init; }
    }

    /// <summary>Starts the container's process; returns its host pid. Kills what it made on failure.</summary>
    internal static unsafe int Spawn(Request req, ISpawnCallbacks callbacks, bool awaitExec = false)
    {
        var spec = req.Spec;
        // Read once here, for the compilers and the warning.
        int lastCap = Security.CapabilitySets.LastCap();
        Security.CapabilitySets.WarnUnknownToKernel(spec.Process?.Capabilities, lastCap);
        int low = 3 + req.Plan.PreserveFds; // our descriptors must not land among the preserved ones
        var owned = new List<int>();
        int Own(int fd) { owned.Add(fd); return fd; }
        int childPid = -1, containerPid = -1;
        Setup.SetupProgram? program = null;
        // CVE-2024-21626: a descriptor our caller leaked to us (a host directory, say) must not reach the zone, where
        // process.cwd "/proc/self/fd/N" or a process joining the container could use it. Only the preserved ones pass.
        Sys.TryCloseRangeCloexec((uint)low);
        try
        {
            var (parentEnd, childEnd0) = Sys.SocketPair(Sys.SOCK_SEQPACKET);
            Own(parentEnd); Own(childEnd0);
            int childEnd = Own(Sys.DupCloexecAbove(childEnd0, low));
            int fifoFd = req.FifoPathFd >= 0 ? Own(Sys.DupCloexecAbove(req.FifoPathFd, low)) : -1;
            int consoleFd = req.ConsoleSocketFd >= 0 ? Own(Sys.DupCloexecAbove(req.ConsoleSocketFd, low)) : -1;
            var idmapFds = (req.Plan.Exec ? null : Rootfs.IdMapped.PrepareInParent(spec, req.Plan.Bundle))?.Select(fd => fd < 0 ? -1 : Own(Sys.DupCloexecAbove(Own(fd), low))).ToArray();
            req.Timer.Mark("descriptors");

            using var zone = new ZonePlanBuilder();
            zone.SetNamespaces(Namespaces.Requests(spec));
            // A memory limit must count the zone's own setup, as runc's does (runc init joins before it runs). Joined
            // in parallel, the zone's first pages were charged here or to the container by who won the race: a limit
            // too small failed create at times and let the container start (to be OOM-killed after `start`) at
            // others. The handshake costs a cgroup migration in series, only with a limit.
            if (spec.Linux?.Resources?.Memory?.Limit is > 0) zone.Plan->WaitForGo = 1;
            var plan = req.Plan with { LastCap = lastCap, FifoFd = fifoFd, ConsoleSocketFd = consoleFd, UnshareCgroupNamespace = zone.InitUnsharesCgroup, IdMapMountFds = idmapFds };
            // exec joins the container's time namespace, whose offsets froze when its first process entered it (a
            // write: EACCES).
            zone.SetTimeOffsets(req.Plan.Exec ? null : TimeOffsetsText(spec), low);
            zone.SetSync(childEnd, parentEnd);
            // The setup program, run by the zone itself: every spec compiles.
            program = Setup.SetupCompiler.Compile(plan, spec, req.CgroupLayout);
            req.Timer.Mark("compile");
            zone.SetProgram(program);
            if (req.Timer.Enabled)
            {
                System.Console.Error.Write($"ocirun: setup program, {program.Count} operations:\n{program.Print()}");
                req.Timer.Mark("print-program");
            }
            zone.RetainOnly(low);
            req.Timer.Mark("plan");

            // The zone starts with every signal blocked (no handler of the runtime's may run in it); the program
            // sets its own mask (CoreRoutines.ResetSignals) before the user's execve.
            ulong saved = Sys.SetSignalMask(ulong.MaxValue);
            long pid = ForkSafe.Clone(zone.Plan);
            Sys.SetSignalMask(saved);
            Sys.Check(pid, "clone");
            childPid = containerPid = (int)pid;
            req.Timer.Mark("clone");

            // Only the parent end stays open here, so a dead child shows as end-of-file.
            foreach (var fd in owned.ToArray()) if (fd != parentEnd) { Sys.Close(fd); owned.Remove(fd); }

            using var sync = new SyncChannel(parentEnd);
            owned.Remove(parentEnd);
            if (zone.Plan->WaitForGo == 0)
            {
                // The child is already running its program: join it to the cgroup meanwhile (on cgroup v1
                // the first migration waits for an RCU grace period, milliseconds better spent in parallel).
                Security.Scheduling.ApplyInitialAffinity(spec.Process, childPid);
                callbacks.OnChild(childPid);
                req.Timer.Mark("cgroup-join");
            }
            while (true)
            {
                var msg = sync.Receive();
                if (msg.IsEmpty)
                    throw new RuntimeError("container init exited during setup" + ExitDescription(childPid, containerPid));
                if (!SyncProtocol.IsZoneMessage(msg))
                    throw new RuntimeError($"container init sent an unknown message (0x{msg[0]:x2})");
                var (kind, a, b, c) = SyncProtocol.Read(msg);
                if (kind is >= ZoneMessage.Hooks and <= ZoneMessage.Ready)
                {
                    if (AnswerProgram(req, callbacks, sync, program, kind, msg, containerPid) is { } done && (!awaitExec || AwaitExec(sync, program)))
                        return done;
                    continue;
                }
                switch (kind)
                {
                    case ZoneMessage.Hello:
                        OnHello(spec, childPid);
                        // With a second fork, the grandchild inherits the cgroup (and affinity) from this child.
                        Security.Scheduling.ApplyInitialAffinity(spec.Process, childPid);
                        callbacks.OnChild(childPid);
                        sync.SendZone(ZoneMessage.Go);
                        req.Timer.Mark("handshake");
                        break;
                    case ZoneMessage.ChildPid:
                        containerPid = a;
                        Sys.TryWait(childPid, out _, 0);
                        childPid = -1;
                        break;
                    case ZoneMessage.Failed:
                        throw new RuntimeError(ZoneFailure((ZoneStep)a, b, c));
                    case ZoneMessage.OpFailed:
                        throw new RuntimeError(program.Describe(a, b, c));
                }
            }
        }
        catch
        {
            foreach (var fd in owned) Sys.Close(fd);
            foreach (var p in new[] { containerPid, childPid })
            {
                if (p <= 0) continue;
                Sys.TryKill(p, Sys.SIGKILL);
                Sys.TryWait(p, out _, 0);
            }
            throw;
        }
        finally
        {
            program?.Dispose();
        }
    }

    /// <summary>Answers a request of the setup program; returns the container's pid once it reports Ready.</summary>
    private static int? AnswerProgram(Request req, ISpawnCallbacks callbacks, SyncChannel sync, Setup.SetupProgram program,
        ZoneMessage kind, ReadOnlySpan<byte> msg, int containerPid)
    {
        try
        {
            switch (kind)
            {
                case ZoneMessage.CgroupJoined:
                    // OnChild has run (before the loop, or at Hello): the process is in its cgroup.
                    SyncProtocol.Send(sync.Fd, ZoneMessage.Done);
                    return null;
                case ZoneMessage.Hooks:
                    SyncProtocol.Send(sync.Fd, ZoneMessage.Done, Encoding.UTF8.GetBytes(callbacks.OnParentHooks(containerPid)));
                    return null;
                case ZoneMessage.Limits:
                    callbacks.OnLimits(containerPid);
                    SyncProtocol.Send(sync.Fd, ZoneMessage.Done);
                    return null;
                case ZoneMessage.SeccompFd:
                    if (sync.ReceivedFds.Count != 1)
                        throw new RuntimeError($"linux.seccomp: the container's process sent {sync.ReceivedFds.Count} descriptors for the notify fd, expected 1");
                    int notifyFd = sync.ReceivedFds[0];
                    sync.ReceivedFds.Clear();
                    try { Security.SeccompListener.ForwardFd(notifyFd, req.Spec, req.Plan.Id, req.Plan.Bundle, containerPid, req.Plan.Exec); }
                    finally { Sys.Close(notifyFd); }
                    SyncProtocol.Send(sync.Fd, ZoneMessage.Done);
                    return null;
                case ZoneMessage.Ready:
                    AddProgramPhases(req.Timer, program, msg[SyncProtocol.HeaderSize..]);
                    req.Timer.Mark("setup");
                    return containerPid;
            }
            return null;
        }
        catch (Exception) when (kind != ZoneMessage.Ready)
        {
            try { SyncProtocol.Send(sync.Fd, ZoneMessage.ParentFailed); } catch (SyscallException) { }
            throw;
        }
    }

    /// <summary>exec: the socket closes at execve (close-on-exec); a Failed message before that is the cause.</summary>
    private static bool AwaitExec(SyncChannel sync, Setup.SetupProgram program)
    {
        var after = sync.Receive();
        if (!after.IsEmpty && SyncProtocol.IsZoneMessage(after) && SyncProtocol.Read(after) is { Kind: ZoneMessage.OpFailed } f)
            throw new RuntimeError(program.Describe(f.A, f.B, f.C));
        return true;
    }

    /// <summary>The zone's marks as phases: each the time since the mark before it.</summary>
    private static void AddProgramPhases(PhaseTimer timer, Setup.SetupProgram program, ReadOnlySpan<byte> marks)
    {
        int n = Math.Min(marks.Length / 8, program.Marks.Count);
        long first = n > 0 ? BinaryPrimitives.ReadInt64LittleEndian(marks) : 0, last = first;
        for (int i = 1; i < n; i++)
        {
            long t = BinaryPrimitives.ReadInt64LittleEndian(marks[(i * 8)..]);
            timer.Add("zone." + program.Marks[i], (t - last) / 1e6);
            last = t;
        }
        if (n > 1) timer.Add("zone.total", (last - first) / 1e6);
    }

    private static void OnHello(Spec spec, int childPid)
    {
        if (!Namespaces.HasFresh(spec, NamespaceKind.User)) return;
        // Root writes the maps; an unprivileged parent its own id only (setgroups denied), or newuidmap/newgidmap.
        IdMapWriter.Write(childPid, spec.Linux?.UidMappings, spec.Linux?.GidMappings);
    }

    private static string ExitDescription(int childPid, int containerPid)
    {
        int pid = childPid > 0 ? childPid : containerPid;
        if (pid <= 0) return "";
        // The socket reads end-of-file when the kernel closes a dying child's files, a moment before the child
        // becomes waitable: without this wait the cause (an OOM kill's SIGKILL, say) was lost about half the time.
        int status = 0;
        long waited = 0;
        for (int i = 0; i < 200 && (waited = Sys.TryWait(pid, out status, Sys.WNOHANG)) == 0; i++) Thread.Sleep(1);
        if (waited <= 0) return "";
        return (status & 0x7f) == 0 ? $" (exit status {(status >> 8) & 0xff})" : $" (killed by signal {status & 0x7f})";
    }

    private static string ZoneFailure(ZoneStep step, int errno, int detail)
    {
        string why = SyscallException.Describe(errno);
        return step switch
        {
            ZoneStep.Setns => $"linux.namespaces: join {NameOfFlag((ulong)detail)} namespace: {why}",
            ZoneStep.UnshareUser => $"linux.namespaces: create user namespace: {why}",
            ZoneStep.SetResGid or ZoneStep.SetResUid => $"linux.uidMappings: become root in the user namespace: {why}",
            ZoneStep.Unshare => $"linux.namespaces: create namespaces ({NamesOfFlags((ulong)detail)}): {why}",
            ZoneStep.TimeOffsets => $"linux.timeOffsets: {TimensStep(detail)} /proc/self/timens_offsets beneath a verified procfs: {why}",
            ZoneStep.ForkAgain => $"fork into the pid namespace: {why}",
            ZoneStep.NonDumpable => $"make the setup process non-dumpable: {why}",
            ZoneStep.CloseFds => $"close descriptors from {detail} before joining the container: {why}",
            _ => $"container setup step {step}: {why}",
        };
    }

    private static string TimensStep(int detail) => detail switch
    {
        1 => "readlink self for",
        2 => "open",
        3 => "check that it is on procfs:",
        _ => "write",
    };

    private static string NameOfFlag(ulong f) => f switch
    {
        Sys.CLONE_NEWPID => "pid", Sys.CLONE_NEWNET => "network", Sys.CLONE_NEWNS => "mount", Sys.CLONE_NEWIPC => "ipc",
        Sys.CLONE_NEWUTS => "uts", Sys.CLONE_NEWUSER => "user", Sys.CLONE_NEWCGROUP => "cgroup", Sys.CLONE_NEWTIME => "time",
        _ => $"0x{f:x}",
    };

    private static string NamesOfFlags(ulong flags) =>
        string.Join(",", Enumerable.Range(0, 64).Select(i => 1UL << i).Where(b => (flags & b) != 0).Select(NameOfFlag));

    private static string? TimeOffsetsText(Spec spec)
    {
        var offsets = spec.Linux?.TimeOffsets;
        if (offsets is null || offsets.Count == 0) return null;
        var sb = new StringBuilder();
        foreach (var (clock, o) in offsets) sb.Append(clock).Append(' ').Append(o.Secs).Append(' ').Append(o.Nanosecs).Append('\n');
        return sb.ToString();
    }
}
