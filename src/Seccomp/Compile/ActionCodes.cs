using Seccomp.Bpf;

namespace Seccomp.Compile;

/// <summary>Maps an action (and its errnoRet) to the SECCOMP_RET_* value the filter returns.</summary>
internal static class ActionCodes
{
    /// <summary>
    /// ERRNO and TRACE carry 16 bits of data; both default to EPERM as runc does
    /// (runtime-spec: "If not specified then its default value is EPERM").
    /// </summary>
    public static uint RetValue(SeccompAction action, uint? errnoRet) => action switch
    {
        SeccompAction.KillThread => Ret.KillThread,
        SeccompAction.KillProcess => Ret.KillProcess,
        SeccompAction.Trap => Ret.Trap,
        SeccompAction.Errno => Ret.Errno | ((errnoRet ?? Ret.Eperm) & Ret.DataMask),
        SeccompAction.Trace => Ret.Trace | ((errnoRet ?? Ret.Eperm) & Ret.DataMask),
        SeccompAction.Allow => Ret.Allow,
        SeccompAction.Log => Ret.Log,
        SeccompAction.Notify => Ret.UserNotif,
        _ => throw new ArgumentOutOfRangeException(nameof(action)),
    };

    public static bool TakesData(SeccompAction action) => action is SeccompAction.Errno or SeccompAction.Trace;

    /// <summary>Human form of a SECCOMP_RET_* value, e.g. <c>ERRNO(1)</c>.</summary>
    public static string Describe(uint ret)
    {
        uint data = ret & Ret.DataMask;
        return (ret & Ret.ActionFullMask) switch
        {
            Ret.KillProcess => "KILL_PROCESS",
            Ret.KillThread => "KILL_THREAD",
            Ret.Trap => data == 0 ? "TRAP" : $"TRAP({data})",
            Ret.Errno => $"ERRNO({data})",
            Ret.UserNotif => "NOTIFY",
            Ret.Trace => $"TRACE({data})",
            Ret.Log => "LOG",
            Ret.Allow => "ALLOW",
            _ => $"0x{ret:x8}",
        };
    }
}
