namespace Seccomp;

/// <summary>AUDIT_ARCH_* values (linux/audit.h): what the kernel puts in <c>seccomp_data.arch</c>.</summary>
public static class AuditArch
{
    // EM_* | __AUDIT_ARCH_64BIT (0x80000000) | __AUDIT_ARCH_LE (0x40000000)
    public const uint X86_64 = 0xC000003E;
    public const uint I386 = 0x40000003;
    public const uint Aarch64 = 0xC00000B7;
    public const uint Arm = 0x40000028;

    /// <summary>x32 shares AUDIT_ARCH_X86_64; its syscall numbers carry this bit instead.</summary>
    public const uint X32SyscallBit = 0x40000000;

    public static uint Of(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 or SeccompArch.X32 => X86_64,
        SeccompArch.X86 => I386,
        SeccompArch.Aarch64 => Aarch64,
        SeccompArch.Arm => Arm,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    /// <summary>
    /// Whether seccomp_data.args are compared as 64-bit values. On the 32-bit ABIs (x86, arm, and x32,
    /// whose ABI passes 32-bit longs) only the low halves are compared, as libseccomp does.
    /// </summary>
    public static bool Is64Bit(SeccompArch arch) => arch is SeccompArch.X86_64 or SeccompArch.Aarch64;
}
