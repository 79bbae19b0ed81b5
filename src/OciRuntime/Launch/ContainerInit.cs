using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Hooks;
using OciRuntime.Interop;
using OciRuntime.Rootfs;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>
/// Init's setup sequence, in the order of DESIGN.md §4. Runs inside the container's namespaces, on init's main
/// thread, before the exec FIFO. Every step that fails throws with the field it came from.
/// </summary>
internal sealed class ContainerInit(InitPlan plan, Spec spec, SyncChannel sync, PhaseTimer timer)
{
    private readonly Linux _linux = spec.Linux ?? new Linux();

    /// <summary>State documents for createContainer and startContainer hooks, from the parent.</summary>
    internal string CreatingState { get; private set; } = "{}";
    /// <summary>Without a mount namespace: the host's /proc, for reopening the exec FIFO after the chroot.</summary>
    internal int HostProcFd { get; private set; } = -1;
    internal string CreatedState { get; private set; } = "{}";

    /// <summary>Our own procfs, through which every /proc file is written (made first, while the mount namespace
    /// shows nothing the container chose); closed once the last write is done, before anything of the user's runs.</summary>
    private ProcHandle? _proc;
    private ProcHandle Proc => _proc ??= ProcHandle.Open();

    internal ExecTarget Prepare()
    {
        var process = spec.Process ?? throw new RuntimeError("process: missing");
        bool mountNs = Namespaces.Has(spec, NamespaceKind.Mount);
        bool userNs = Namespaces.Has(spec, NamespaceKind.User);
        int lastCap = plan.LastCap >= 0 ? plan.LastCap : CapabilitySets.LastCap();
        var caps = CapabilitySets.From(process.Capabilities, lastCap);

        // 0. the cgroup namespace, rooted at the container's cgroup once the parent has put us there.
        if (plan.UnshareCgroupNamespace) UnshareCgroupNamespace();

        // 1. session, oom score, root propagation, rootfs as a mount point. The procfs handle is made here, before
        // any mount of the config exists.
        Sys.Fast(Nr.setsid);
        _ = Proc;
        if (process.OomScoreAdj is int oom) Proc.Write("self/oom_score_adj", oom.ToString(), "process.oomScoreAdj");
        var mounts = spec.Mounts ?? [];
        if (mountNs)
        {
            var mountinfo = RootPreparation.Prepare(plan.Rootfs, _linux.RootfsPropagation);
            timer.Mark("prepare-root");
            // 2. mounts, 3. /dev
            using var root = new RootfsDir(plan.Rootfs);
            var layout = CgroupLayout.Parse(mountinfo);
            var cgctx = new CgroupMountContext(layout, h => CgroupPaths.PathIn(plan.CgroupPath, h), Namespaces.Has(spec, NamespaceKind.Cgroup));
            MountSetup.MountAll(root, mounts, plan.Bundle, cgctx, _linux.MountLabel, plan.IdMapMountFds);
            timer.Mark("mounts");
            if (DevSetup.NeedsSetup(mounts)) DevSetup.Setup(root, _linux.Devices, userNs);
            timer.Mark("dev");
        }
        else if (mounts.Count > 0)
        {
            // No mount namespace: the runtime's, inherited (config-linux.md). The parent listed them for delete.
            using var root = new RootfsDir(plan.Rootfs);
            var cgctx = new CgroupMountContext(CgroupLayout.Detect(), h => CgroupPaths.PathIn(plan.CgroupPath, h), Namespaces.Has(spec, NamespaceKind.Cgroup));
            MountSetup.MountAll(root, mounts, plan.Bundle, cgctx, _linux.MountLabel, plan.IdMapMountFds);
        }

        // prestart and createRuntime hooks run in the parent, in the runtime's namespaces; the parent answers
        // with the state documents for the hooks run here (it alone knows our host pid).
        if (plan.ParentHooks)
        {
            sync.Send(SyncChannel.InitHooks);
            var reply = sync.Receive();
            if (reply.IsEmpty || reply[0] != SyncChannel.ParentHooksDone)
                throw new HookAbort(reply.Length > 1 ? Encoding.UTF8.GetString(reply[1..]) : "parent hooks failed");
            var states = Encoding.UTF8.GetString(reply[1..]).Split('\n', 2);
            CreatingState = states[0];
            CreatedState = states.Length > 1 ? states[1] : states[0];
        }
        // 4. createContainer hooks: container namespaces, before pivot_root.
        HookRunner.RunAll("createContainer", spec.Hooks?.CreateContainer, CreatingState);

        // 5. the root.
        if (!mountNs)
        {
            HostProcFd = Sys.Open("/proc", Sys.O_PATH | Sys.O_DIRECTORY);
            PivotRoot.Chroot(plan.Rootfs);
        }
        else if (plan.NoPivot) PivotRoot.MoveAndChroot(plan.Rootfs);
        else PivotRoot.Pivot(plan.Rootfs);
        timer.Mark("pivot");

        // 6. sysctl (while /proc/sys is still writable), names, read-only paths, masks.
        foreach (var (key, value) in _linux.Sysctl ?? [])
            Proc.Write("sys/" + key.Replace('.', '/'), value, $"linux.sysctl[\"{key}\"]");
        Personality.Set(_linux.Personality);
        if (!string.IsNullOrEmpty(spec.Hostname)) SetName(Nr.sethostname, spec.Hostname, "hostname");
        if (!string.IsNullOrEmpty(spec.Domainname)) SetName(Nr.setdomainname, spec.Domainname, "domainname");
        if (mountNs)
        {
            PathMasks.ReadOnly(_linux.ReadonlyPaths);
            PathMasks.Mask(_linux.MaskedPaths);
        }
        timer.Mark("paths");

        // 7. console, after the masks (runc does it before them, in standard_init_linux.go: prepareRootfs, then
        // setupConsole, then finalizeRootfs and the masks): whatever /dev/console turns out to be, every mask is
        // already in place. A terminal without a console socket shares the caller's stdio. Then the read-only
        // root (after the console, which may have to create /dev/console) and the root's propagation.
        if (process.Terminal && plan.ConsoleSocketFd >= 0) Pty.PtySetup.Attach(plan.ConsoleSocketFd, process.ConsoleSize, Proc);
        if (mountNs)
        {
            if (spec.Root?.Readonly == true) PathMasks.ReadOnlyRoot();
            RootPreparation.ApplyAfterPivot(_linux.RootfsPropagation); // after the binds: an unbindable root refuses them
        }

        return FinishProcess(process, caps, lastCap, userNs);
    }

    /// <summary>`exec`: already in every namespace of the container (the zone joined them) and in its root.</summary>
    internal ExecTarget PrepareExec()
    {
        var process = spec.Process ?? throw new RuntimeError("process: missing");
        // exec --user name: resolved in the container's own passwd and group files, which init now sees.
        if (!string.IsNullOrEmpty(process.User.Username)) process = process with { User = UserLookup.Resolve(process.User) };
        int lastCap = plan.LastCap >= 0 ? plan.LastCap : CapabilitySets.LastCap();
        var caps = CapabilitySets.From(process.Capabilities, lastCap);
        if (process.Terminal) Sys.Fast(Nr.setsid);
        if (process.Terminal && plan.ConsoleSocketFd >= 0) Pty.PtySetup.Attach(plan.ConsoleSocketFd, process.ConsoleSize, Proc, bindConsole: false);
        if (process.OomScoreAdj is int oom) Proc.Write("self/oom_score_adj", oom.ToString(), "process.oomScoreAdj");
        return FinishProcess(process, caps, lastCap, Namespaces.Has(spec, NamespaceKind.User));
    }

    /// <summary>Steps 8 and 9, shared by create and exec: privileges given up in order, then the descriptors.</summary>
    private ExecTarget FinishProcess(OciSpec.Process process, CapabilitySets caps, int lastCap, bool userNs)
    {
        // 8. privileges, in this order. The parent sets the rlimits first, while we still have its credentials.
        if (process.Rlimits is { Count: > 0 })
        {
            sync.Send(SyncChannel.InitLimits);
            var reply = sync.Receive();
            if (reply.IsEmpty || reply[0] != SyncChannel.ParentLimitsDone)
                throw new HookAbort(reply.Length > 1 ? Encoding.UTF8.GetString(reply[1..]) : "setting rlimits failed");
        }
        // Labels for the next execve, scheduling, I/O priority, memory policy, final affinity: while we still hold
        // the capabilities they may need, before no_new_privs and seccomp.
        LsmSetup.Apply(process, Proc);
        bool setgroups = SetgroupsAllowed(userNs);
        // The last /proc write is done: nothing of the user's may inherit a procfs without the masks.
        _proc?.Dispose();
        _proc = null;
        Scheduling.Apply(process, _linux.MemoryPolicy);
        if (process.NoNewPrivileges) Credentials.NoNewPrivileges();
        var seccomp = SeccompSetup.FromPlan(plan.SeccompProgram, plan.SeccompFlags);
        if (!process.NoNewPrivileges) seccomp?.Load(sync);
        Credentials.DropBounding(caps.Bounding, lastCap);
        Credentials.SwitchUser(process.User, setgroups);
        string cwd = string.IsNullOrEmpty(process.Cwd) ? "/" : process.Cwd;
        long cd = Sys.Chdir(cwd);
        if (cd < 0) throw new RuntimeError($"process.cwd: chdir {cwd}: {SyscallException.Describe((int)-cd)}");
        CwdCheck.Verify(cwd);
        Sys.Umask(process.User.Umask ?? 0x12);
        var env = Environment(process);
        var target = ExecTarget.Resolve(process.Args!, env, cwd);
        Credentials.SetCapabilities(caps);
        if (process.NoNewPrivileges) seccomp?.Load(sync);
        timer.Mark("security");

        // 9. nothing but stdio and the preserved descriptors may reach the user process.
        Sys.CloseRangeCloexec((uint)(3 + plan.PreserveFds));
        return target;
    }

    private void UnshareCgroupNamespace()
    {
        sync.Send(SyncChannel.InitCgroup);
        var reply = sync.Receive();
        if (reply.IsEmpty || reply[0] != SyncChannel.ParentCgroupDone) throw new HookAbort("cgroup join not confirmed");
        // Allowed in a multi-threaded process (it implies neither CLONE_FS nor CLONE_THREAD); it applies to this
        // thread, the one that execs.
        Sys.Check(Sys.Fast(Nr.unshare, (long)Sys.CLONE_NEWCGROUP), "linux.namespaces: create cgroup namespace");
    }

    private bool SetgroupsAllowed(bool userNs) => !userNs || Proc.Read("self/setgroups")?.Trim() == "allow";

    private static List<string> Environment(OciSpec.Process process)
    {
        var env = new List<string>(process.Env ?? []);
        if (!env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal)))
            env.Add("HOME=" + HomeOf(process.User.Uid));
        return env;
    }

    /// <summary>HOME from the container's /etc/passwd, "/" if the user is not there (runc's rule).</summary>
    private static string HomeOf(uint uid)
    {
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length >= 6 && uint.TryParse(f[2], out uint u) && u == uid) return f[5];
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return "/";
    }

    private static unsafe void SetName(long nr, string name, string field)
    {
        byte[] b = Encoding.UTF8.GetBytes(name);
        fixed (byte* p = b)
        {
            long r = Sys.Fast(nr, (long)p, b.Length);
            if (r < 0) throw new RuntimeError($"{field}: set \"{name}\": {SyscallException.Describe((int)-r)}");
        }
    }
}

/// <summary>The parent's hooks failed; the parent reports it, init only exits.</summary>
internal sealed class HookAbort(string message) : RuntimeError(message);
