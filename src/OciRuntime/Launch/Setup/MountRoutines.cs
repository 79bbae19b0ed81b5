using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>Zone routines for RootPreparation, mounts in config order, cgroup mounts, tmpcopyup, pivot_root. Allocation-free (ForkSafe.cs rules).</summary>
internal static unsafe class MountRoutines
{
    // Kinds: OpKind.MountFirst + n.

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        _ => -Errno.ENOSYS,
    };
}
