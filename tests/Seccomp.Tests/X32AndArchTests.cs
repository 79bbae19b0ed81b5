using Seccomp.Tests.Support;
using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

public class X32AndArchTests
{
    private const uint X32Bit = 0x40000000;

    [Fact]
    public void WithoutX32InTheProfileX32CallsAreABadArchButMinusOneIsNot()
    {
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "read"));
        var prog = SeccompCompiler.Compile(profile).Program;
        var lib = Comparison.BuildLibseccomp(profile, SeccompArch.X86_64, Eperm, null, out _);
        Assert.Equal(Allow, Run(prog, SeccompArch.X86_64, 0));
        Assert.Equal(KillProcess, Run(prog, SeccompArch.X86_64, X32Bit | 0)); // x32 read
        Assert.Equal(KillProcess, Run(lib, SeccompArch.X86_64, X32Bit | 0));
        Assert.Equal(Eperm, Run(prog, SeccompArch.X86_64, 0xffffffff));       // nr -1: default, as libseccomp
        Assert.Equal(Eperm, Run(lib, SeccompArch.X86_64, 0xffffffff));
    }

    [Fact]
    public void WithX32TheX32TableAnswersForNumbersWithTheX32Bit()
    {
        var profile = Profile(SeccompAction.Errno, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X32"],
            Rule(SeccompAction.Allow, "read"),
            Rule(SeccompAction.Log, "rt_sigaction"));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, SeccompArch.X86_64, X32Bit | 0));
        // rt_sigaction is 13 on x86_64 but 512 (with the bit) on x32; x32's 13 is not a syscall.
        Assert.Equal(0x7ffc0000u, Run(prog, SeccompArch.X86_64, 13));
        Assert.Equal(0x7ffc0000u, Run(prog, SeccompArch.X32, X32Bit | 512));
        Assert.Equal(Eperm, Run(prog, SeccompArch.X32, X32Bit | 13));
        // Past the highest x32 number named: ENOSYS, like runc's stub.
        Assert.Equal(Enosys, Run(prog, SeccompArch.X32, X32Bit | 513));
        Assert.Equal(Enosys, Run(prog, SeccompArch.X32, 0xffffffff));
    }

    [Fact]
    public void UnknownArchGetsTheBadArchAction()
    {
        var prog = SeccompCompiler.Compile(TestData.Docker()).Program;
        Assert.Equal(KillProcess, BpfInterpreter.Run(prog, SeccompInput.Of(AuditArch.Aarch64, 0)));
        Assert.Equal(KillProcess, BpfInterpreter.Run(prog, SeccompInput.Of(0x12345678, 0)));
        var trap = SeccompCompiler.Compile(TestData.Docker(), new CompileOptions { BadArchAction = SeccompAction.Trap }).Program;
        Assert.Equal(0x00030000u, BpfInterpreter.Run(trap, SeccompInput.Of(AuditArch.Arm, 0)));
    }

    [Fact]
    public void ArchIsCheckedFirstAndTheNativeArchFirstOfAll()
    {
        var prog = SeccompCompiler.Compile(TestData.Docker(), new CompileOptions { NativeArch = SeccompArch.X86_64 }).Program;
        Assert.Equal(new SockFilter(0x20, 0, 0, 4), prog[0]);          // ld [arch]
        Assert.Equal((ushort)0x15, prog[1].Code);                        // jeq
        Assert.Equal(AuditArch.X86_64, prog[1].K);
    }

    [Fact]
    public void NativeArchIsCoveredEvenWhenNotListed()
    {
        var profile = Profile(SeccompAction.Errno, ["SCMP_ARCH_AARCH64"], Rule(SeccompAction.Allow, "read"));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Allow, Run(prog, SeccompArch.X86_64, 0));
        Assert.Equal(Allow, Run(prog, SeccompArch.Aarch64, (uint)Nr("read", SeccompArch.Aarch64)));
        Assert.Equal(KillProcess, Run(prog, SeccompArch.X86, 3));
    }
}
