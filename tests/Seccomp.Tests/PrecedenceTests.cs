using Seccomp.Tests.Support;
using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

/// <summary>Several rules on one syscall, as libseccomp's db.c merges them (each case also checked against libseccomp).</summary>
public class PrecedenceTests
{
    private static void SameAsLibseccomp(SeccompProfile profile, string name, params ulong[][] argSets)
    {
        var ours = SeccompCompiler.Compile(profile).Program;
        var lib = Comparison.BuildLibseccomp(profile, SeccompArch.X86_64, Reference.RetOf(profile.DefaultAction, profile.DefaultErrnoRet), null, out _);
        foreach (var args in argSets)
            Assert.Equal(Run(lib, name, args), Run(ours, name, args));
    }

    [Fact]
    public void UnconditionalRuleBeatsEarlierConditionalOnes()
    {
        var profile = Profile(SeccompAction.Errno,
            Rule(SeccompAction.Log, "read", Arg(0, CompareOp.Equal, 1)),
            Rule(SeccompAction.Allow, "read"));
        Assert.Equal(Allow, Run(SeccompCompiler.Compile(profile).Program, "read", 1));
        SameAsLibseccomp(profile, "read", [1], [2]);
    }

    [Fact]
    public void FirstUnconditionalRuleWinsAndLaterRulesAreIgnored()
    {
        var profile = Profile(SeccompAction.Errno,
            Rule(SeccompAction.Allow, "read"),
            Rule(SeccompAction.KillProcess, "read"),
            Rule(SeccompAction.Log, "read", Arg(0, CompareOp.Equal, 1)));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, "read", 1));
        Assert.Equal(Allow, Run(prog, "read", 0));
        SameAsLibseccomp(profile, "read", [1], [0]);
    }

    [Fact]
    public void RulesWithTheDefaultActionAreDroppedAsRuncDoes()
    {
        // An unconditional ERRNO(1) rule under an ERRNO(1) default must not hide the ALLOW for fd 0.
        var profile = Profile(SeccompAction.Errno,
            Rule(SeccompAction.Errno, "read"),
            Rule(SeccompAction.Allow, "read", Arg(0, CompareOp.Equal, 0)));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, "read", 0));
        Assert.Equal(Eperm, Run(prog, "read", 1));
        SameAsLibseccomp(profile, "read", [0], [1]);
    }

    [Fact]
    public void ConditionalRulesAreOred()
    {
        var docker = TestData.Docker();
        var prog = SeccompCompiler.Compile(docker).Program;
        // socket: domain < 38 (AF_VSOCK is 40), == 39, > 40 are allowed; 38 and 40 are not.
        foreach (ulong domain in new ulong[] { 0, 1, 37, 39, 41, 0x1_0000_0026 })
            Assert.Equal(Allow, Run(prog, "socket", domain));
        foreach (ulong domain in new ulong[] { 38, 40 })
            Assert.Equal(Eperm, Run(prog, "socket", domain));
    }

    [Fact]
    public void ZeroMaskMakesARuleUnconditional()
    {
        // libseccomp drops MASKED_EQ with a zero mask, so this first rule is unconditional and wins.
        var profile = Profile(SeccompAction.Errno,
            Rule(SeccompAction.Log, "read", Arg(1, CompareOp.MaskedEqual, 0, 5)),
            Rule(SeccompAction.Allow, "read"));
        Assert.Equal(0x7ffc0000u, Run(SeccompCompiler.Compile(profile).Program, "read", 0, 7));
        SameAsLibseccomp(profile, "read", [0, 7], [0, 5]);
    }

    [Fact]
    public void OverlappingConditionalRulesFollowProfileOrder()
    {
        var profile = Profile(SeccompAction.Errno,
            Rule(SeccompAction.Log, "read", Arg(0, CompareOp.GreaterThan, 10)),
            Rule(SeccompAction.Allow, "read", Arg(0, CompareOp.GreaterThan, 5)));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(0x7ffc0000u, Run(prog, "read", 11));
        Assert.Equal(Allow, Run(prog, "read", 7));
        Assert.Equal(Eperm, Run(prog, "read", 5));
    }
}
