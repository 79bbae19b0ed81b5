using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>Small helpers to write profiles in tests.</summary>
public static class P
{
    public const uint Allow = 0x7fff0000, KillProcess = 0x80000000, Eperm = 0x00050001, Enosys = 0x00050026;

    public static SeccompProfile Profile(SeccompAction def, params SeccompRule[] rules) => new(def, null, [], [], rules);
    public static SeccompProfile Profile(SeccompAction def, string[] arches, params SeccompRule[] rules) => new(def, null, arches, [], rules);
    public static SeccompRule Rule(SeccompAction action, string name, params ArgCondition[] args) => new([name], action, null, args);
    public static SeccompRule Rule(SeccompAction action, string[] names, params ArgCondition[] args) => new(names, action, null, args);
    public static ArgCondition Arg(uint index, CompareOp op, ulong value, ulong two = 0) => new(index, value, two, op);

    public static int Nr(string name, SeccompArch arch = SeccompArch.X86_64) =>
        SyscallTables.TryGetNumber(arch, name, out int nr) ? nr : throw new ArgumentException(name);

    public static uint Run(SockFilter[] prog, SeccompArch arch, uint nr, params ulong[] args) =>
        BpfInterpreter.Run(prog, SeccompInput.Of(AuditArch.Of(arch), nr, args));

    public static uint Run(SockFilter[] prog, string name, params ulong[] args) =>
        Run(prog, SeccompArch.X86_64, (uint)Nr(name), args);
}
