namespace Seccomp;

/// <summary>Parses the runtime-spec strings (<c>SCMP_ACT_*</c>, <c>SCMP_CMP_*</c>, <c>SCMP_ARCH_*</c>, <c>SECCOMP_FILTER_FLAG_*</c>).</summary>
public static class SeccompNames
{
    public static bool TryParseAction(string name, out SeccompAction action)
    {
        (bool ok, action) = name switch
        {
            // SCMP_ACT_KILL is libseccomp's old name for killing the thread.
            "SCMP_ACT_KILL" or "SCMP_ACT_KILL_THREAD" => (true, SeccompAction.KillThread),
            "SCMP_ACT_KILL_PROCESS" => (true, SeccompAction.KillProcess),
            "SCMP_ACT_TRAP" => (true, SeccompAction.Trap),
            "SCMP_ACT_ERRNO" => (true, SeccompAction.Errno),
            "SCMP_ACT_TRACE" => (true, SeccompAction.Trace),
            "SCMP_ACT_ALLOW" => (true, SeccompAction.Allow),
            "SCMP_ACT_LOG" => (true, SeccompAction.Log),
            "SCMP_ACT_NOTIFY" => (true, SeccompAction.Notify),
            _ => (false, default),
        };
        return ok;
    }

    public static bool TryParseOp(string name, out CompareOp op)
    {
        (bool ok, op) = name switch
        {
            "SCMP_CMP_NE" => (true, CompareOp.NotEqual),
            "SCMP_CMP_LT" => (true, CompareOp.LessThan),
            "SCMP_CMP_LE" => (true, CompareOp.LessOrEqual),
            "SCMP_CMP_EQ" => (true, CompareOp.Equal),
            "SCMP_CMP_GE" => (true, CompareOp.GreaterOrEqual),
            "SCMP_CMP_GT" => (true, CompareOp.GreaterThan),
            "SCMP_CMP_MASKED_EQ" => (true, CompareOp.MaskedEqual),
            _ => (false, default),
        };
        return ok;
    }

    /// <summary>
    /// Accepts the spec names (<c>SCMP_ARCH_X86_64</c>) and the short ones libseccomp prints (<c>x86_64</c>).
    /// Architectures we have no table for (mips, ppc, s390, riscv...) are not accepted.
    /// </summary>
    public static bool TryParseArch(string name, out SeccompArch arch)
    {
        (bool ok, arch) = name switch
        {
            "SCMP_ARCH_X86_64" or "x86_64" or "amd64" => (true, SeccompArch.X86_64),
            "SCMP_ARCH_X86" or "x86" or "i386" => (true, SeccompArch.X86),
            "SCMP_ARCH_X32" or "x32" => (true, SeccompArch.X32),
            "SCMP_ARCH_AARCH64" or "aarch64" or "arm64" => (true, SeccompArch.Aarch64),
            "SCMP_ARCH_ARM" or "arm" => (true, SeccompArch.Arm),
            _ => (false, default),
        };
        return ok;
    }

    /// <summary>Flag name to its <c>SECCOMP_FILTER_FLAG_*</c> bit for seccomp(SECCOMP_SET_MODE_FILTER).</summary>
    public static bool TryParseFlag(string name, out uint flag)
    {
        flag = name switch
        {
            "SECCOMP_FILTER_FLAG_TSYNC" => FilterFlags.Tsync,
            "SECCOMP_FILTER_FLAG_LOG" => FilterFlags.Log,
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW" => FilterFlags.SpecAllow,
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" => FilterFlags.WaitKillableRecv,
            _ => 0,
        };
        return flag != 0;
    }

    /// <summary>The spec name of an action (for messages and disassembly).</summary>
    public static string ActionName(SeccompAction action) => action switch
    {
        SeccompAction.KillThread => "SCMP_ACT_KILL_THREAD",
        SeccompAction.KillProcess => "SCMP_ACT_KILL_PROCESS",
        SeccompAction.Trap => "SCMP_ACT_TRAP",
        SeccompAction.Errno => "SCMP_ACT_ERRNO",
        SeccompAction.Trace => "SCMP_ACT_TRACE",
        SeccompAction.Allow => "SCMP_ACT_ALLOW",
        SeccompAction.Log => "SCMP_ACT_LOG",
        SeccompAction.Notify => "SCMP_ACT_NOTIFY",
        _ => action.ToString(),
    };

    public static string ArchName(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => "SCMP_ARCH_X86_64",
        SeccompArch.X86 => "SCMP_ARCH_X86",
        SeccompArch.X32 => "SCMP_ARCH_X32",
        SeccompArch.Aarch64 => "SCMP_ARCH_AARCH64",
        SeccompArch.Arm => "SCMP_ARCH_ARM",
        _ => arch.ToString(),
    };

    public static string OpName(CompareOp op) => op switch
    {
        CompareOp.NotEqual => "SCMP_CMP_NE",
        CompareOp.LessThan => "SCMP_CMP_LT",
        CompareOp.LessOrEqual => "SCMP_CMP_LE",
        CompareOp.Equal => "SCMP_CMP_EQ",
        CompareOp.GreaterOrEqual => "SCMP_CMP_GE",
        CompareOp.GreaterThan => "SCMP_CMP_GT",
        CompareOp.MaskedEqual => "SCMP_CMP_MASKED_EQ",
        _ => op.ToString(),
    };
}
