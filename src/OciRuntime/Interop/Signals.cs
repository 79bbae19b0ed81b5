namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const int SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2;

    /// <summary>Sets the calling thread's signal mask; returns the old one.</summary>
    internal static ulong SetSignalMask(ulong mask)
    {
        ulong old = 0;
        Fast(Nr.rt_sigprocmask, SIG_SETMASK, (long)&mask, (long)&old, 8);
        return old;
    }
}
