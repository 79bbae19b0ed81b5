namespace OciRuntime.Launch;

/// <summary>
/// The signals `--init`'s pid 1 forwards to the user process (Setup/ReaperRoutine.cs), as tini does. They are
/// blocked from before the exec gate until pid 1's signalfd takes them: a namespace's pid 1 with no handler would
/// silently drop them.
/// </summary>
internal static class ReaperSignals
{
    private const int SIGCHLD = 17;

    /// <summary>1..31 but KILL and STOP (not catchable), CHLD (the reaper's own), and the synchronous faults (ILL,
    /// TRAP, ABRT, BUS, FPE, SEGV, SYS), which belong to the process that raised them.</summary>
    private static ReadOnlySpan<int> Forwarded => [1, 2, 3, 10, 12, 13, 14, 15, 16, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30];

    /// <summary>The mask the zone holds from before the gate: the forwarded signals and SIGCHLD.</summary>
    internal static ulong BlockedMask
    {
        get
        {
            ulong m = Bit(SIGCHLD);
            foreach (int s in Forwarded) m |= Bit(s);
            return m;
        }
    }

    private static ulong Bit(int sig) => 1UL << (sig - 1);
}
