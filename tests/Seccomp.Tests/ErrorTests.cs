using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

public class ErrorTests
{
    private static string Fails(SeccompProfile p) => Assert.Throws<SeccompException>(() => SeccompCompiler.Compile(p)).Message;

    [Fact]
    public void ArgIndexOutOfRange() =>
        Assert.Equal("syscalls[3].args[0].index: 7 is out of range 0..5", Fails(Profile(SeccompAction.Errno,
            Rule(SeccompAction.Allow, "read"), Rule(SeccompAction.Allow, "write"), Rule(SeccompAction.Allow, "open"),
            Rule(SeccompAction.Allow, "close", Arg(7, CompareOp.Equal, 1)))));

    [Fact]
    public void NotifyAsDefault() =>
        Assert.Equal("defaultAction: SCMP_ACT_NOTIFY cannot be the default action", Fails(Profile(SeccompAction.Notify)));

    [Fact]
    public void NotifyOnWrite() =>
        Assert.Equal("syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for \"write\"",
            Fails(Profile(SeccompAction.Errno, Rule(SeccompAction.Notify, ["read", "write"]))));

    [Fact]
    public void UnknownArch() =>
        Assert.Equal("architectures[1]: unknown or unsupported architecture \"SCMP_ARCH_PDP11\"",
            Fails(new SeccompProfile(SeccompAction.Errno, null, ["SCMP_ARCH_X86", "SCMP_ARCH_PDP11"], [], [])));

    [Fact]
    public void UnknownFlag() =>
        Assert.Equal("flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_BOGUS\"",
            Fails(new SeccompProfile(SeccompAction.Errno, null, [], ["SECCOMP_FILTER_FLAG_BOGUS"], [])));

    [Fact]
    public void UnknownActionValue() =>
        Assert.Equal("syscalls[0].action: unknown action 42",
            Fails(Profile(SeccompAction.Errno, Rule((SeccompAction)42, "read"))));

    [Fact]
    public void ErrnoRetOnAnActionWithoutData() =>
        Assert.Equal("syscalls[0].errnoRet: 5 given, but only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno",
            Fails(Profile(SeccompAction.Errno, new SeccompRule(["read"], SeccompAction.Allow, 5, []))));
}
