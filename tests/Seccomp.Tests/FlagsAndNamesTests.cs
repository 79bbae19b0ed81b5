using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

public class FlagsAndNamesTests
{
    [Fact]
    public void FlagsMapToKernelBits()
    {
        var p = new SeccompProfile(SeccompAction.Errno, null, [],
            ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"], []);
        var f = SeccompCompiler.Compile(p);
        Assert.Equal(1u | 2u | 4u | 32u, f.FilterFlags);
        Assert.False(f.UsesNotify);
    }

    [Fact]
    public void NotifyAddsNewListener()
    {
        var f = SeccompCompiler.Compile(Profile(SeccompAction.Errno, Rule(SeccompAction.Notify, "mount")));
        Assert.True(f.UsesNotify);
        Assert.Equal(FilterFlags.NewListener, f.FilterFlags);
        Assert.Equal(0x7fc00000u, Run(f.Program, "mount"));
    }

    [Theory]
    [InlineData("SCMP_ACT_KILL", SeccompAction.KillThread)]
    [InlineData("SCMP_ACT_KILL_THREAD", SeccompAction.KillThread)]
    [InlineData("SCMP_ACT_KILL_PROCESS", SeccompAction.KillProcess)]
    [InlineData("SCMP_ACT_TRAP", SeccompAction.Trap)]
    [InlineData("SCMP_ACT_ERRNO", SeccompAction.Errno)]
    [InlineData("SCMP_ACT_TRACE", SeccompAction.Trace)]
    [InlineData("SCMP_ACT_ALLOW", SeccompAction.Allow)]
    [InlineData("SCMP_ACT_LOG", SeccompAction.Log)]
    [InlineData("SCMP_ACT_NOTIFY", SeccompAction.Notify)]
    public void Actions(string name, SeccompAction expected)
    {
        Assert.True(SeccompNames.TryParseAction(name, out var a));
        Assert.Equal(expected, a);
    }

    [Fact]
    public void OpsArchesAndUnknowns()
    {
        foreach (var op in Enum.GetValues<CompareOp>())
        {
            Assert.True(SeccompNames.TryParseOp(SeccompNames.OpName(op), out var back));
            Assert.Equal(op, back);
        }
        foreach (var arch in Enum.GetValues<SeccompArch>())
        {
            Assert.True(SeccompNames.TryParseArch(SeccompNames.ArchName(arch), out var back));
            Assert.Equal(arch, back);
        }
        Assert.False(SeccompNames.TryParseAction("SCMP_ACT_NOPE", out _));
        Assert.False(SeccompNames.TryParseOp("SCMP_CMP_APPROX", out _));
        Assert.False(SeccompNames.TryParseArch("SCMP_ARCH_S390X", out _));
        Assert.False(SeccompNames.TryParseFlag("SECCOMP_FILTER_FLAG_NEW_LISTENER", out _));
    }

    [Fact]
    public void ErrnoAndTraceDefaultToEperm()
    {
        var f = SeccompCompiler.Compile(Profile(SeccompAction.Allow, Rule(SeccompAction.Errno, "read"), Rule(SeccompAction.Trace, "open"),
            new SeccompRule(["close"], SeccompAction.Errno, 38, [])));
        Assert.Equal(0x00050001u, Run(f.Program, "read"));
        Assert.Equal(0x7ff00001u, Run(f.Program, "open"));
        Assert.Equal(0x00050026u, Run(f.Program, "close"));
    }
}
