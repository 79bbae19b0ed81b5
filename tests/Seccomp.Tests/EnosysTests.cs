using Seccomp.Tests.Support;
using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

public class EnosysTests
{
    [Fact]
    public void NumbersAboveTheHighestNamedGetEnosys()
    {
        var docker = TestData.Docker();
        var prog = SeccompCompiler.Compile(docker).Program;
        int max = Reference.MaxNamed(docker, SeccompArch.X86_64);
        Assert.Equal(Eperm, Run(prog, SeccompArch.X86_64, (uint)Nr("mount")));      // known, not allowed
        Assert.Equal(Enosys, Run(prog, SeccompArch.X86_64, (uint)max + 1));
        Assert.Equal(Enosys, Run(prog, SeccompArch.X86_64, 0x3fffffff));
        Assert.Equal(Enosys, Run(prog, SeccompArch.X86, 0xffffffff));

        var off = SeccompCompiler.Compile(docker, new CompileOptions { EnosysForUnknownSyscalls = false }).Program;
        Assert.Equal(Eperm, Run(off, SeccompArch.X86_64, (uint)max + 1));
    }

    [Theory]
    [InlineData(SeccompAction.Allow)]
    [InlineData(SeccompAction.Log)]
    [InlineData(SeccompAction.Trace)]
    public void NotWhenTheDefaultLetsSyscallsThrough(SeccompAction def)
    {
        var profile = Profile(def, Rule(SeccompAction.Errno, "read"));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Reference.RetOf(def, null), Run(prog, SeccompArch.X86_64, 1000));
    }

    [Fact]
    public void RulesWithTheDefaultActionStillCountForTheLimit()
    {
        // As runc: every named syscall counts, so naming "kexec_file_load" (320) with the default action
        // keeps 1..320 at the default.
        var profile = Profile(SeccompAction.Errno, Rule(SeccompAction.Allow, "read"), Rule(SeccompAction.Errno, "kexec_file_load"));
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.Equal(Eperm, Run(prog, SeccompArch.X86_64, 320));
        Assert.Equal(Enosys, Run(prog, SeccompArch.X86_64, 321));
    }
}
