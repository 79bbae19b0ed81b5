using OciRuntime.Cli;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>`run`: create, start, and (unless detached) wait, forwarding signals and returning the exit code.</summary>
internal sealed class ContainerRunner(GlobalOptions global, StateStore store, PhaseTimer timer)
{
    internal int Run(CreateOptions o, bool detach, bool keep)
    {
        // The container's process may be a grandchild (pid namespace joined): become its reaper.
        if (!detach) Sys.TryPrctl(Sys.PR_SET_CHILD_SUBREAPER, 1);
        var created = new ContainerCreator(global, store, timer).Create(o, attached: !detach);
        int pid = created.Record.Pid;
        // terminal: true and no --console-socket: the caller's terminal, restored however this ends.
        using var terminal = created.TerminalFd >= 0 ? AttachTerminal(o.Id, created.TerminalFd) : null;
        using var forwarding = detach ? null : ForegroundProcess.ForwardSignals(() => pid, terminal is not null);
        try
        {
            new ContainerStarter(store, timer).Start(o.Id, Console.Error, created.Spec, created.Cgroup);
        }
        catch
        {
            new ContainerDeleter(store).Delete(o.Id, true, TextWriter.Null);
            throw;
        }
        if (detach) return 0;
        int code = ForegroundProcess.Wait(pid);
        terminal?.Drain();
        timer.Mark("wait");
        if (!keep) new ContainerDeleter(store).Delete(o.Id, true, Console.Error, created.Spec, created.Cgroup);
        timer.Mark("delete");
        return code;
    }

    private Pty.AttachedTerminal AttachTerminal(string id, int fd)
    {
        try { return Pty.AttachedTerminal.Attach(fd); }
        catch
        {
            new ContainerDeleter(store).Delete(id, true, TextWriter.Null);
            throw;
        }
    }
}
