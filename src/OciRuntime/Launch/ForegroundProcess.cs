using System.Runtime.InteropServices;
using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// `run` and `exec` in the foreground: the signals a person or an engine sends to ocirun go to the container's
/// process, and ocirun returns that process's exit code (128+n when killed by signal n).
/// </summary>
internal static class ForegroundProcess
{
    private static readonly int[] Forwarded = [1, 2, 3, 10, 12, 14, 15, 16, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

    /// <summary>Starts forwarding signals to <paramref name="pid"/>; dispose to stop.</summary>
    /// <remarks>With an attached terminal SIGWINCH is not forwarded: it becomes the pty's window size.</remarks>
    internal static IDisposable ForwardSignals(Func<int> pid, bool terminal = false)
    {
        var registrations = new List<PosixSignalRegistration>();
        foreach (int sig in Forwarded)
        {
            if (terminal && sig == 28) continue;
            try
            {
                registrations.Add(PosixSignalRegistration.Create((PosixSignal)sig, ctx =>
                {
                    ctx.Cancel = true;
                    Sys.TryKill(pid(), sig);
                }));
            }
            catch (Exception e) when (e is ArgumentException or PlatformNotSupportedException or IOException) { }
        }
        return new Registrations(registrations);
    }

    /// <summary>Reaps children (ocirun is their subreaper) until <paramref name="pid"/> exits; returns its code.</summary>
    internal static int Wait(int pid)
    {
        while (true)
        {
            long r = Sys.TryWait(-1, out int status, Sys.__WALL);
            if (r == pid) return Sys.ExitCodeOf(status);
            if (r == -Errno.ECHILD) return WaitForeign(pid);
        }
    }

    /// <summary>Not our child (should not happen): watch its pidfd; the exit code is unknown.</summary>
    private static int WaitForeign(int pid)
    {
        using var fd = new OwnedFd(Sys.TryPidfdOpen(pid));
        if (!fd.IsOpen) return 0;
        Span<Sys.PollFd> fds = [new Sys.PollFd { Fd = fd.Fd, Events = Sys.POLLIN }];
        Sys.TryPoll(fds, -1);
        return 0;
    }

    private sealed class Registrations(List<PosixSignalRegistration> list) : IDisposable
    {
        public void Dispose() { foreach (var r in list) r.Dispose(); }
    }
}
