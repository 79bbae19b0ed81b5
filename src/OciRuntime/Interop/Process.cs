namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const int PR_SET_PDEATHSIG = 1, PR_SET_KEEPCAPS = 8, PR_CAPBSET_READ = 23, PR_CAPBSET_DROP = 24,
        PR_SET_NO_NEW_PRIVS = 38, PR_SET_CHILD_SUBREAPER = 36, PR_CAP_AMBIENT = 47, PR_CAP_AMBIENT_RAISE = 2,
        PR_CAP_AMBIENT_CLEAR_ALL = 4, PR_SET_NAME = 15;
    internal const int WNOHANG = 1, __WALL = 0x40000000;
    internal const int P_PIDFD = 3, WEXITED = 4;

    internal static long TryPrctl(int option, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0) =>
        Fast(Nr.prctl, option, a2, a3, a4, a5);

    internal static long TryKill(int pid, int sig) => Fast(Nr.kill, pid, sig);

    internal static long TryPidfdOpen(int pid) => Fast(Nr.pidfd_open, pid, 0);

    internal static long TryPidfdSendSignal(int pidfd, int sig) => Fast(Nr.pidfd_send_signal, pidfd, sig, 0, 0);

    /// <summary>waitpid with the raw wait status (decode with <see cref="ExitCodeOf"/>).</summary>
    internal static long TryWait(int pid, out int status, int options)
    {
        int s = 0;
        long r = Blocking(Nr.wait4, pid, (long)&s, options, 0);
        status = s;
        return r;
    }

    /// <summary>Shell convention: the exit status, or 128+signal when killed.</summary>
    internal static int ExitCodeOf(int status) =>
        (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    internal static long TryPrlimit(int pid, int resource, ulong soft, ulong hard)
    {
        ulong* lim = stackalloc ulong[2];
        lim[0] = soft; lim[1] = hard;
        return Fast(Nr.prlimit64, pid, resource, (long)lim, 0);
    }

    internal static int GetPid() => (int)Fast(Nr.getpid);
}
