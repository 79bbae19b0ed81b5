using Seccomp.Tests.Support;
using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

/// <summary>64-bit comparisons done as two 32-bit halves, hi first, against the plain 64-bit meaning and libseccomp.</summary>
public class ArgComparisonTests
{
    private static readonly ulong[] Values =
    [
        0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000, 0x100000001, 0x1ffffffff, 0x200000000,
        0x00000001_00000005, 0x00000001_00000004, 0x00000001_00000006, 0x00000000_00000005, 0x00000002_00000005,
        0xffffffff_00000000, 0xffffffff_fffffffe, ulong.MaxValue, 0x80000000_00000000, 0x7fffffff_ffffffff,
    ];

    public static TheoryData<CompareOp, ulong> Cases()
    {
        var data = new TheoryData<CompareOp, ulong>();
        foreach (var op in Enum.GetValues<CompareOp>())
            foreach (var v in new ulong[] { 0, 5, 0xffffffff, 0x100000000, 0x00000001_00000005, ulong.MaxValue, 0x80000000_00000000 })
                data.Add(op, v);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryOperatorOn64BitValues(CompareOp op, ulong value)
    {
        ulong two = op == CompareOp.MaskedEqual ? value & 0x0000000f_0000000f : 0;
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "read", Arg(2, op, value, two)));
        var ours = SeccompCompiler.Compile(profile).Program;
        var lib = Comparison.BuildLibseccomp(profile, SeccompArch.X86_64, Eperm, null, out _);
        var cond = profile.Syscalls[0].Args[0];
        foreach (var baseValue in Values.Concat(Comparison.Boundaries(cond)))
        {
            ulong arg = baseValue;
            uint expect = Reference.Holds(cond, arg, wide: true) ? Allow : Eperm;
            Assert.Equal(expect, Run(ours, "read", 0, 0, arg));
            Assert.Equal(expect, Run(lib, "read", 0, 0, arg));
        }
    }

    [Fact]
    public void HighHalfIsTestedBeforeLowHalf()
    {
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "read", Arg(1, CompareOp.GreaterThan, 0x00000001_00000005)));
        var text = BpfText.Disassemble(SeccompCompiler.Compile(profile).Program);
        int hi = text.IndexOf("args[1] hi", StringComparison.Ordinal), lo = text.IndexOf("args[1] lo", StringComparison.Ordinal);
        Assert.True(hi > 0 && lo > hi, text);
    }

    [Fact]
    public void ConditionsInOneRuleAreAnded()
    {
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "mmap",
            Arg(0, CompareOp.Equal, 0), Arg(2, CompareOp.MaskedEqual, 4, 0), Arg(3, CompareOp.NotEqual, 1)));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, "mmap", 0, 0, 3, 2));
        Assert.Equal(Eperm, Run(prog, "mmap", 1, 0, 3, 2));
        Assert.Equal(Eperm, Run(prog, "mmap", 0, 0, 4, 2));
        Assert.Equal(Eperm, Run(prog, "mmap", 0, 0, 3, 1));
    }

    [Fact]
    public void On32BitAbisOnlyTheLowHalfCounts()
    {
        // libseccomp compares the low 32 bits of value and argument on x86, arm and x32.
        var profile = Profile(SeccompAction.Errno, ["SCMP_ARCH_X86"], Rule(SeccompAction.Allow, "read", Arg(0, CompareOp.Equal, 0x00000007_00000005)));
        var prog = SeccompCompiler.Compile(profile).Program;
        uint read32 = (uint)Nr("read", SeccompArch.X86);
        Assert.Equal(Allow, Run(prog, SeccompArch.X86, read32, 5));
        Assert.Equal(Allow, Run(prog, SeccompArch.X86, read32, 0x00000009_00000005));
        Assert.Equal(Eperm, Run(prog, SeccompArch.X86, read32, 6));
        // ...while x86_64 compares all 64 bits.
        Assert.Equal(Eperm, Run(prog, "read", 5));
        Assert.Equal(Allow, Run(prog, "read", 0x00000007_00000005));
    }

    [Fact]
    public void MaskedEqualIgnoresDatumBitsOutsideTheMask()
    {
        // As libseccomp: (arg & mask) == (datum & mask).
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "clone", Arg(0, CompareOp.MaskedEqual, 0xff, 0x1_0000_0012)));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, "clone", 0x12));
        Assert.Equal(Allow, Run(prog, "clone", 0xabc_0000_0f12));
        Assert.Equal(Eperm, Run(prog, "clone", 0x13));
    }
}
