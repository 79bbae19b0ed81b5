using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>Zone routines for the console, hooks run in the container, the exec FIFO and the --init reaper. Allocation-free (ForkSafe.cs rules).</summary>
internal static unsafe class StartRoutines
{
    // Kinds: OpKind.StartFirst + n.

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        _ => -Errno.ENOSYS,
    };
}
