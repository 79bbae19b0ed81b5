using Seccomp.Tests.Support;

namespace Seccomp.Tests;

public class KernelCheckTests
{
    [Fact]
    public void TheKernelAcceptsOurPrograms()
    {
        var programs = new List<SockFilter[]> { SeccompCompiler.Compile(TestData.Docker()).Program };
        for (int seed = 0; seed < 40; seed++) programs.Add(SeccompCompiler.Compile(RandomProfiles.Make(seed)).Program);
        var names = SyscallTables.Entries(SeccompArch.X86_64).Select(e => e.Name).Distinct().Take(300).ToArray();
        programs.Add(SeccompCompiler.Compile(P.Profile(SeccompAction.Errno,
            names.Select((n, i) => P.Rule(SeccompAction.Allow, n, P.Arg(0, CompareOp.Equal, (ulong)i))).ToArray())).Program);
        foreach (var prog in programs)
        {
            Assert.Equal(0, KernelCheck.Attach(prog));
            Assert.True(KernelCheck.SeccompLoads(prog));
            Assert.Equal((ushort)0x06, prog[^1].Code);
        }
    }

    [Fact]
    public void TheCheckRejectsABrokenProgram()
    {
        // A jump past the end: the kernel must say EINVAL (22), or the check above proves nothing.
        Assert.Equal(22, KernelCheck.Attach([new SockFilter(0x15, 5, 0, 1), new SockFilter(0x06, 0, 0, 0)]));
    }
}
