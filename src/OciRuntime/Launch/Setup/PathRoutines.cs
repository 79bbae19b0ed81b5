using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>Zone routines for /dev, maskedPaths and readonlyPaths. Allocation-free (ForkSafe.cs rules).</summary>
internal static unsafe class PathRoutines
{
    // Kinds: OpKind.PathFirst + n.

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        _ => -Errno.ENOSYS,
    };
}
