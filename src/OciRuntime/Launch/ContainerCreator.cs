using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.Hooks;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Launch;

internal sealed record CreateOptions(
    string Id, string Bundle, string? PidFile, string? ConsoleSocket, bool NoPivot, bool NoNewKeyring,
    int PreserveFds, bool UseInit);

/// <summary>
/// `create`: checks the bundle, claims the id, makes the cgroup and the exec FIFO, starts init and waits for
/// it to be ready. On any failure it removes everything it made: no state, cgroup or process is left.
/// </summary>
internal sealed class ContainerCreator(GlobalOptions global, StateStore store, PhaseTimer timer)
{
    /// <summary>TerminalFd: ocirun's end of the internal console socket when it attaches the caller's terminal, or -1.
    /// Cgroup: the container's cgroup, for `run` to start and delete with (no second look at the host's layout).</summary>
    internal sealed record Created(ContainerRecord Record, Spec Spec, int TerminalFd = -1, ICgroupManager? Cgroup = null);

    internal Created Create(CreateOptions o, bool attached)
    {
        StateStore.ValidateId(o.Id);
        string bundle = Path.GetFullPath(o.Bundle);
        if (!Directory.Exists(bundle)) throw new RuntimeError($"--bundle: {o.Bundle} is not a directory");
        var spec = SpecLoading.Load(bundle, timer);
        timer.Mark("host-checks");
        if (global.SystemdCgroup) SystemdCgroupPath.Check(spec.Linux?.CgroupsPath);
        if (spec.Process!.Terminal && o.ConsoleSocket is null && !attached)
            throw new RuntimeError("process.terminal: a detached container with a terminal needs --console-socket");
        Rootless.CheckConfig(spec);
        LsmSetup.Check(spec.Process);
        ConfigRefusals.Check(spec);
        string? resctrl = spec.Linux?.IntelRdt is null ? null : Resctrl.IntelRdt.FindMount();
        Resctrl.IntelRdt.Check(spec.Linux?.IntelRdt, resctrl);
        string rootfs = SpecLoading.RootfsOf(spec, bundle);
        var seccomp = SeccompSetup.Compile(spec, new SeccompCache(store.Root));
        timer.Mark("seccomp");
        bool useInit = o.UseInit || spec.Annotations?.GetValueOrDefault("io.ocirun.init") == "true";

        int preserve = o.PreserveFds;
        if (int.TryParse(System.Environment.GetEnvironmentVariable("LISTEN_FDS"), out int listen) && listen > 0)
        {
            preserve += listen;
            spec = spec with { Process = spec.Process with { Env = [.. spec.Process.Env ?? [], $"LISTEN_FDS={listen}", "LISTEN_PID=1"] } };
        }

        using var entry = Container.Claim(store, o.Id);
        ICgroupManager? cgroup = null, hostCgroup = null;
        CgroupLayout? layout = null;
        OomWatcher? oom = null;
        int consoleFd = -1, fifoFd = -1, terminalFd = -1;
        try
        {
            // The host's mount table, read once: the cgroup manager and the container's cgroup mounts both use it.
            layout = CgroupLayout.Detect();
            hostCgroup = CgroupManagerFactory.Create(layout, spec.Linux?.CgroupsPath, o.Id);
            cgroup = Rootless.Cgroup(hostCgroup, spec.Linux?.Resources);
            var record = new ContainerRecord
            {
                Id = o.Id, Bundle = bundle, Rootfs = rootfs, Created = DateTimeOffset.UtcNow,
                Owner = Owner(), Annotations = spec.Annotations, CgroupPath = cgroup.Path, UseInit = useInit,
            };
            entry.SaveFirst(record, spec);
            cgroup.Create();
            // Even without linux.resources the default device rules apply, as runc does.
            cgroup.Set(spec.Linux?.Resources ?? new LinuxResources());
            timer.Mark("cgroup");

            fifoFd = entry.MakeFifo();
            // No mount namespace: init mounts in the runtime's namespace; listed first so delete can take them off.
            if (!Namespaces.Has(spec, NamespaceKind.Mount) && spec.Mounts is { Count: > 0 })
                Rootfs.HostMounts.Record(entry.Dir, spec.Mounts);
            if (o.ConsoleSocket is not null) consoleFd = Sys.ConnectUnix(o.ConsoleSocket);
            else if (spec.Process!.Terminal && attached) (terminalFd, consoleFd) = Pty.AttachedTerminal.SocketPair();

            var hooks = spec.Hooks;
            bool parentHooks = hooks is not null && (hooks.Prestart?.Count > 0 || hooks.CreateRuntime?.Count > 0 ||
                                                     hooks.CreateContainer?.Count > 0 || hooks.StartContainer?.Count > 0);
            var plan = new InitPlan
            {
                Id = o.Id, Bundle = bundle, Rootfs = rootfs, NoPivot = o.NoPivot, PreserveFds = preserve,
                CgroupPath = cgroup.Path, ParentHooks = parentHooks, UseInit = useInit, Trace = timer.Enabled,
                SeccompProgram = seccomp is null ? null : SeccompSetup.Serialize(seccomp), SeccompFlags = seccomp?.FilterFlags ?? 0,
            };
            var rdt = resctrl is null ? null : new Resctrl.IntelRdt(resctrl, spec.Linux!.IntelRdt!, o.Id);
            var callbacks = new Callbacks(spec, cgroup, o.Id, bundle, rdt, entry.Dir);
            oom = SetupOom.Watch(cgroup, spec.Linux?.Resources?.Memory?.Limit);
            int pid = InitSpawner.Spawn(new InitSpawner.Request(spec, plan, fifoFd, consoleFd, timer) { CgroupLayout = layout }, callbacks);
            callbacks.MoveNetDevices(pid);
            record = entry.Complete(pid);
            PidFile.Write(o.PidFile, pid);
            timer.Mark("state");
            return new Created(record, spec, terminalFd, hostCgroup);
        }
        catch (Exception e)
        {
            // Asked before the cgroup goes: its counters say whether the OOM killer ended init.
            var oomError = SetupOom.Explain(oom, e, spec.Linux?.Resources?.Memory?.Limit);
            entry.Rollback(cgroup, rootfs);
            Sys.Close(terminalFd);
            if (oomError is not null) throw oomError;
            throw;
        }
        finally
        {
            oom?.Dispose();
            Sys.Close(consoleFd);
            Sys.Close(fifoFd);
        }
    }

    private static string Owner()
    {
        uint uid = Sys.GetEuid();
        try
        {
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var f = line.Split(':');
                if (f.Length > 2 && f[2] == uid.ToString()) return f[0];
            }
        }
        catch (IOException) { }
        return uid.ToString();
    }

    /// <summary>The parent's duties while init comes up.</summary>
    private sealed class Callbacks(Spec spec, ICgroupManager cgroup, string id, string bundle, Resctrl.IntelRdt? rdt, string stateDir) : ISpawnCallbacks
    {
        public void OnChild(int pid)
        {
            cgroup.Apply(pid);
            rdt?.Apply(pid, stateDir); // before init forks or starts threads: all of them inherit the group
        }

        public void OnLimits(int pid) => RlimitSetter.Apply(pid, spec.Process!.Rlimits);

        private bool _netDevicesMoved;

        /// <summary>linux.netDevices, once the container's network namespace exists: before the runtime's hooks
        /// when there are any (they may configure the devices), else once init is ready.</summary>
        internal void MoveNetDevices(int pid)
        {
            if (_netDevicesMoved) return;
            _netDevicesMoved = true;
            Network.NetDevices.Move(spec.Linux?.NetDevices, pid);
        }

        public string OnParentHooks(int pid)
        {
            MoveNetDevices(pid);
            // state.md: "created" is "after step 2 in the lifecycle", and these hooks run after step 2, so they see
            // "created" (as crun gives); the first line is what init hands its createContainer hooks.
            string created = HookState.Json(id, OciSpec.ContainerStatus.Created, pid, bundle, spec.Annotations);
            HookRunner.RunAll("prestart", spec.Hooks?.Prestart, created);
            HookRunner.RunAll("createRuntime", spec.Hooks?.CreateRuntime, created);
            return created + "\n" + created;
        }
    }
}
