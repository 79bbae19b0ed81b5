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

/// <summary>The compiler's output: the program and what the loader needs to know about it.</summary>
/// <param name="Program">The classic-BPF program for seccomp(SECCOMP_SET_MODE_FILTER).</param>
/// <param name="FilterFlags">
/// <c>SECCOMP_FILTER_FLAG_*</c> bits: the profile's flags, plus NEW_LISTENER when a rule uses SCMP_ACT_NOTIFY.
/// </param>
/// <param name="SkippedSyscalls">Names an arch's table lacks, as <c>arch:name</c> (e.g. <c>x86_64:cachestat</c>).</param>
/// <param name="UsesNotify">Whether the loader must collect a notify fd (and send it to <c>listenerPath</c>).</param>
public sealed record CompiledFilter(SockFilter[] Program, uint FilterFlags, IReadOnlyList<string> SkippedSyscalls, bool UsesNotify);
