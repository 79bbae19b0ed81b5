namespace Seccomp.Bpf;

/// <summary>SECCOMP_RET_* values (linux/seccomp.h).</summary>
public static class Ret
{
    public const uint KillProcess = 0x80000000;
    public const uint KillThread = 0x00000000;
    public const uint Trap = 0x00030000;
    public const uint Errno = 0x00050000;
    public const uint UserNotif = 0x7fc00000;
    public const uint Trace = 0x7ff00000;
    public const uint Log = 0x7ffc0000;
    public const uint Allow = 0x7fff0000;
    public const uint ActionFullMask = 0xffff0000;
    public const uint DataMask = 0x0000ffff;

    /// <summary>ENOSYS, what a syscall newer than the profile gets (see README, "ENOSYS").</summary>
    public const uint Enosys = 38;
    public const uint Eperm = 1;
}
