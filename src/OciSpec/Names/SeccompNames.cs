namespace OciSpec;

/// <summary>The libseccomp-style names the spec allows in <c>linux.seccomp</c>.</summary>
public static class SeccompNames
{
    public const string ActKill = "SCMP_ACT_KILL";
    public const string ActKillProcess = "SCMP_ACT_KILL_PROCESS";
    public const string ActKillThread = "SCMP_ACT_KILL_THREAD";
    public const string ActTrap = "SCMP_ACT_TRAP";
    public const string ActErrno = "SCMP_ACT_ERRNO";
    public const string ActTrace = "SCMP_ACT_TRACE";
    public const string ActAllow = "SCMP_ACT_ALLOW";
    public const string ActLog = "SCMP_ACT_LOG";
    public const string ActNotify = "SCMP_ACT_NOTIFY";

    public static IReadOnlySet<string> Actions { get; } = new[]
    {
        ActKill, ActKillProcess, ActKillThread, ActTrap, ActErrno, ActTrace, ActAllow, ActLog, ActNotify,
    }.ToHashSet(StringComparer.Ordinal);

    /// <summary>Actions that carry an errno (errnoRet/defaultErrnoRet); any other action with one is an error.</summary>
    public static IReadOnlySet<string> ActionsWithErrno { get; } =
        new[] { ActErrno, ActTrace }.ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> Operators { get; } = new[]
    {
        "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
    }.ToHashSet(StringComparer.Ordinal);

    public static IReadOnlySet<string> Architectures { get; } = new[]
    {
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64",
        "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
        "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390",
        "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
        // Added to the spec's list with libseccomp 2.6.
        "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB",
    }.ToHashSet(StringComparer.Ordinal);

    /// <summary>seccomp(2) filter flags the spec lists (their values are the seccomp compiler's).</summary>
    public static IReadOnlySet<string> Flags { get; } = new[]
    {
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    }.ToHashSet(StringComparer.Ordinal);

    /// <summary>Syscalls take at most six arguments, so <c>args[].index</c> is 0..5.</summary>
    public const uint MaxArgIndex = 5;
}
