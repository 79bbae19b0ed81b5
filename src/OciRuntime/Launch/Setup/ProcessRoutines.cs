using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>Zone routines for credentials, capabilities, seccomp, cwd, user lookups, PATH lookup and execve. Allocation-free (ForkSafe.cs rules).</summary>
internal static unsafe class ProcessRoutines
{
    // Kinds: OpKind.ProcessFirst + n.

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        _ => -Errno.ENOSYS,
    };
}
