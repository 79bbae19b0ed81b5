namespace Seccomp;

/// <summary>The <c>flags</c> argument bits of seccomp(SECCOMP_SET_MODE_FILTER), from linux/seccomp.h.</summary>
public static class FilterFlags
{
    public const uint Tsync = 1u << 0;
    public const uint Log = 1u << 1;
    public const uint SpecAllow = 1u << 2;
    public const uint NewListener = 1u << 3;
    public const uint TsyncEsrch = 1u << 4;
    public const uint WaitKillableRecv = 1u << 5;
}
