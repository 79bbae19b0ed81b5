using OciRuntime.Cgroups;
using OciRuntime.Cli;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Launch;

internal sealed record ExecOptions(
    string Id, OciSpec.Process Process, string? ConsoleSocket, bool Detach, string? PidFile, int PreserveFds, bool IgnorePaused,
    SubCgroup? SubCgroup = null);

/// <summary>
/// `exec`: a new process in every namespace and the cgroup of a running container, with the container's
/// seccomp filter and rlimits unless the process says otherwise. Foreground: waits and returns its exit code.
/// </summary>
internal sealed class ContainerExecutor(StateStore store, PhaseTimer timer)
{
    /// <summary><paramref name="opened"/>: the container when the caller opened it already (exec's flags take
    /// the stored process as their base), so its config is parsed once; it is disposed here.</summary>
    internal int Exec(ExecOptions o, Container? opened = null)
    {
        using var container = opened ?? Container.Open(store, o.Id);
        container.Require(o.IgnorePaused ? Operation.ExecIgnoringPause : Operation.Exec);
        var (rec, cgroup, config) = (container.Record, container.Cgroup, container.Config());
        var errors = SpecValidator.ValidateProcess(o.Process, "process");
        if (errors.Count > 0) throw new RuntimeError(errors[0].ToString());
        if (o.Process.Args is not { Count: > 0 }) throw new RuntimeError("process.args: must not be empty");
        if (o.Process.Terminal && o.ConsoleSocket is null && o.Detach)
            throw new RuntimeError("--tty: a detached exec with a terminal needs --console-socket");

        // The new process joins each namespace the container has, through its init's /proc entries.
        var joined = (config.Linux?.Namespaces ?? [])
            .Select(n => NamespaceKinds.TryParse(n.Type, out var k) ? k : throw new RuntimeError($"linux.namespaces: unknown type {n.Type}"))
            .Select(k => new LinuxNamespace { Type = NamespaceKinds.ToSpecName(k), Path = $"/proc/{rec.Pid}/ns/{NamespaceKinds.ToProcName(k)}" })
            .ToList();
        var spec = config with { Process = o.Process, Linux = (config.Linux ?? new Linux()) with { Namespaces = joined }, Hooks = null };
        var seccomp = SeccompSetup.Compile(spec, new SeccompCache(store.Root));

        if (!o.Detach) Sys.TryPrctl(Sys.PR_SET_CHILD_SUBREAPER, 1);
        int consoleFd = o.ConsoleSocket is null ? -1 : Sys.ConnectUnix(o.ConsoleSocket);
        // -t without --console-socket, in the foreground: the caller's terminal (ocirun is the console socket).
        int terminalFd = -1;
        if (o.Process.Terminal && consoleFd < 0) (terminalFd, consoleFd) = Pty.AttachedTerminal.SocketPair();
        int pid;
        try
        {
            var plan = new InitPlan
            {
                Id = o.Id, Bundle = rec.Bundle, Rootfs = rec.Rootfs, PreserveFds = o.PreserveFds, Exec = true,
                CgroupPath = rec.CgroupPath, Trace = timer.Enabled,
                SeccompProgram = seccomp is null ? null : SeccompSetup.Serialize(seccomp), SeccompFlags = seccomp?.FilterFlags ?? 0,
            };
            pid = InitSpawner.Spawn(new InitSpawner.Request(spec, plan, -1, consoleFd, timer), new Callbacks(spec, cgroup, o.SubCgroup, RdtOf(config, o.Id)), awaitExec: true);
        }
        catch
        {
            Sys.Close(terminalFd);
            throw;
        }
        finally
        {
            Sys.Close(consoleFd);
        }
        using var terminal = terminalFd >= 0 ? Pty.AttachedTerminal.Attach(terminalFd) : null;
        PidFile.Write(o.PidFile, pid);
        if (o.Detach) return 0;

        using var forwarding = ForegroundProcess.ForwardSignals(() => pid, terminal is not null);
        int code = ForegroundProcess.Wait(pid);
        terminal?.Drain();
        return code;
    }

    /// <summary>The container's resctrl group, when its config asked for one (create refused it without resctrl).</summary>
    private static Resctrl.IntelRdt? RdtOf(Spec config, string id) =>
        config.Linux?.IntelRdt is { } rdt && Resctrl.IntelRdt.FindMount() is { } mount ? new Resctrl.IntelRdt(mount, rdt, id) : null;

    private sealed class Callbacks(Spec spec, ICgroupManager cgroup, SubCgroup? sub, Resctrl.IntelRdt? rdt) : ISpawnCallbacks
    {
        public void OnChild(int pid)
        {
            if (sub is not null) sub.Join(cgroup, pid);
            else if (cgroup.Exists()) cgroup.Apply(pid);
            rdt?.Join(pid);
        }
        public string OnParentHooks(int pid) => "";
        public void OnLimits(int pid) => RlimitSetter.Apply(pid, spec.Process!.Rlimits);
    }
}
