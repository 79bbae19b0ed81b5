using System.Runtime.InteropServices;
using OciRuntime.Cli;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Launch;

/// <summary>`run`: create, start, and (unless detached) wait, forwarding signals and returning the exit code.</summary>
internal sealed class ContainerRunner(GlobalOptions global, StateStore store, PhaseTimer timer)
{
    /// <summary>Signals a person or an engine sends to `run` that belong to the container.</summary>
    private static readonly int[] Forwarded = [1, 2, 3, 10, 12, 14, 15, 20, 21, 22, 28];

    internal int Run(CreateOptions o, bool detach, bool keep)
    {
        // The container's process may be a grandchild (pid namespace joined): become its reaper.
        if (!detach) Sys.Prctl(Sys.PR_SET_CHILD_SUBREAPER, 1);
        var created = new ContainerCreator(global, store, timer).Create(o, attached: !detach);
        int pid = created.Record.Pid;
        var registrations = new List<PosixSignalRegistration>();
        try
        {
            if (!detach)
                foreach (int sig in Forwarded)
                    registrations.Add(PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
                    {
                        ctx.Cancel = true;
                        Sys.Kill(pid, sig);
                    }));
            try
            {
                new ContainerStarter(store, timer).Start(o.Id, Console.Error);
            }
            catch
            {
                new ContainerDeleter(store).Delete(o.Id, true, TextWriter.Null);
                throw;
            }
            if (detach) return 0;
            int code = WaitFor(pid);
            timer.Mark("wait");
            if (!keep) new ContainerDeleter(store).Delete(o.Id, true, Console.Error);
            return code;
        }
        finally
        {
            foreach (var r in registrations) r.Dispose();
        }
    }

    private static int WaitFor(int pid)
    {
        while (true)
        {
            long r = Sys.Wait(-1, out int status, Sys.__WALL);
            if (r == pid) return Sys.ExitCodeOf(status);
            if (r == -Errno.ECHILD) return WaitForeign(pid);
        }
    }

    /// <summary>Not our child (should not happen): watch its pidfd; the exit code is unknown.</summary>
    private static int WaitForeign(int pid)
    {
        long fd = Sys.PidfdOpen(pid);
        if (fd < 0) return 0;
        Span<Sys.PollFd> fds = [new Sys.PollFd { Fd = (int)fd, Events = Sys.POLLIN }];
        Sys.Poll(fds, -1);
        Sys.Close((int)fd);
        return 0;
    }
}
