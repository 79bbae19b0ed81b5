namespace Seccomp;

/// <summary>How to compile a profile.</summary>
public sealed record CompileOptions
{
    /// <summary>
    /// The arch of the machine the filter runs on. Like runc (libseccomp's seccomp_init), the filter always
    /// covers it, whether or not the profile's <c>architectures</c> lists it.
    /// </summary>
    public SeccompArch NativeArch { get; init; } = SeccompArch.X86_64;

    /// <summary>
    /// runc's -ENOSYS patch: syscall numbers above the largest number the profile names for an arch return
    /// ERRNO(ENOSYS) instead of the default action, so that a libc probing a syscall newer than the profile
    /// falls back instead of failing with EPERM. Skipped (as runc does) when the default action already
    /// lets syscalls through (ALLOW, LOG, TRACE).
    /// </summary>
    public bool EnosysForUnknownSyscalls { get; init; } = true;

    /// <summary>What a syscall from an arch the filter does not cover gets.</summary>
    public SeccompAction BadArchAction { get; init; } = SeccompAction.KillProcess;

    public static CompileOptions Default { get; } = new();
}
