namespace Seccomp;

/// <summary>The compiler's output: the program and what the loader needs to know about it.</summary>
/// <param name="Program">The classic-BPF program for seccomp(SECCOMP_SET_MODE_FILTER).</param>
/// <param name="FilterFlags">
/// <c>SECCOMP_FILTER_FLAG_*</c> bits: the profile's flags, plus NEW_LISTENER when a rule uses SCMP_ACT_NOTIFY.
/// </param>
/// <param name="SkippedSyscalls">Names an arch's table lacks, as <c>arch:name</c> (e.g. <c>x86_64:cachestat</c>).</param>
/// <param name="UsesNotify">Whether the loader must collect a notify fd (and send it to <c>listenerPath</c>).</param>
public sealed record CompiledFilter(SockFilter[] Program, uint FilterFlags, IReadOnlyList<string> SkippedSyscalls, bool UsesNotify);
