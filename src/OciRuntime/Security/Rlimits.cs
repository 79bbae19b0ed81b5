using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>process.rlimits, set by the parent with prlimit on the container's process: the parent still holds
/// the privilege to raise a hard limit, which the container's process loses in a user namespace.</summary>
internal static class RlimitSetter
{
    internal static void Apply(int pid, IReadOnlyList<PosixRlimit>? rlimits)
    {
        if (rlimits is null) return;
        for (int i = 0; i < rlimits.Count; i++)
        {
            var r = rlimits[i];
            if (!SpecKernelValues.Rlimits.TryGetValue(r.Type ?? "", out int resource))
                throw new RuntimeError($"process.rlimits[{i}].type: unknown rlimit \"{r.Type}\"");
            long rc = Sys.TryPrlimit(pid, resource, r.Soft, r.Hard);
            if (rc < 0)
            {
                string hint = rc == -Errno.EPERM ? " (raising a hard limit needs CAP_SYS_RESOURCE)" : "";
                throw new RuntimeError($"process.rlimits[{i}]: set {r.Type} soft={r.Soft} hard={r.Hard}: {SyscallException.Describe((int)-rc)}{hint}");
            }
        }
    }
}
