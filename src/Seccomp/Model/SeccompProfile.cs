namespace Seccomp;

/// <summary>
/// The seccomp part of an OCI runtime-spec config (<c>linux.seccomp</c>), in our own small model so that
/// this library does not depend on the spec project. Names (architectures, flags) stay strings so the
/// compiler can report a bad one with its JSON path.
/// </summary>
public sealed record SeccompProfile(
    SeccompAction DefaultAction,
    uint? DefaultErrnoRet,
    IReadOnlyList<string> Architectures,
    IReadOnlyList<string> Flags,
    IReadOnlyList<SeccompRule> Syscalls);

/// <summary>One entry of <c>syscalls[]</c>: every name gets the same action under the same conditions.</summary>
public sealed record SeccompRule(
    IReadOnlyList<string> Names,
    SeccompAction Action,
    uint? ErrnoRet,
    IReadOnlyList<ArgCondition> Args);

/// <summary>
/// One argument comparison. For <see cref="CompareOp.MaskedEqual"/>, <see cref="Value"/> is the mask and
/// <see cref="ValueTwo"/> the value the masked argument must equal (as runc and libseccomp read them).
/// </summary>
public sealed record ArgCondition(uint Index, ulong Value, ulong ValueTwo, CompareOp Op);

public enum SeccompAction { KillThread, KillProcess, Trap, Errno, Trace, Allow, Log, Notify }

public enum CompareOp { NotEqual, LessThan, LessOrEqual, Equal, GreaterOrEqual, GreaterThan, MaskedEqual }

/// <summary>The architectures we carry syscall tables for.</summary>
public enum SeccompArch { X86_64, X86, X32, Aarch64, Arm }
