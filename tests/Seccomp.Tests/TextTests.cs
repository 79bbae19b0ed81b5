using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

public class TextTests
{
    [Fact]
    public void DisassemblyNamesFieldsAndActions()
    {
        var text = BpfText.Disassemble(SeccompCompiler.Compile(TestData.Docker()).Program);
        Assert.StartsWith(" line  OP   JT   JF   K\n", text);
        Assert.Contains("ld  $data[4]  ; arch", text);
        Assert.Contains("jeq 0xc000003e", text);
        Assert.Contains("ret ALLOW", text);
        Assert.Contains("ret ERRNO(1)", text);
        Assert.Contains("ret ERRNO(38)", text);
        Assert.Contains("ret KILL_PROCESS", text);
        Assert.Contains("args[0] lo", text);
    }

    [Fact]
    public void ExplainNamesTheDecidingRule()
    {
        var docker = TestData.Docker();
        var allowed = SeccompExplain.Explain(docker, "x86_64", "socket", [39]);
        Assert.Contains("syscalls[3]", allowed);
        Assert.Contains("decision: ALLOW", allowed);
        Assert.Contains("compiled filter: ALLOW", allowed);
        Assert.DoesNotContain("WARNING", allowed);

        var denied = SeccompExplain.Explain(docker, "SCMP_ARCH_X86_64", "socket", [40]);
        Assert.Contains("does not hold", denied);
        Assert.Contains("decision: ERRNO(1)", denied);

        var unnamed = SeccompExplain.Explain(docker, "x86_64", "mount", []);
        Assert.Contains("no rule names it", unnamed);
        Assert.Contains("decision: ERRNO(1)", unnamed);

        var future = SeccompExplain.Explain(docker, "x86_64", "460", []);
        Assert.Contains("ENOSYS", future);
        Assert.Contains("compiled filter: ERRNO(38)", future);

        var badArch = SeccompExplain.Explain(docker, "aarch64", "read", []);
        Assert.Contains("bad-arch", badArch);
        Assert.Contains("decision: KILL_PROCESS", badArch);

        Assert.Throws<SeccompException>(() => SeccompExplain.Explain(docker, "x86_64", "no_such_call", []));
    }

    [Fact]
    public void ExplainAgreesWithTheFilterOnDockerSyscalls()
    {
        // Every 30th name of each table (each call compiles the profile), plus the ones with argument rules.
        var docker = TestData.Docker();
        foreach (var arch in new[] { SeccompArch.X86_64, SeccompArch.X86, SeccompArch.X32 })
            foreach (var (name, _) in SyscallTables.Entries(arch).Where((e, i) => i % 30 == 0 || e.Name is "socket" or "personality" or "clone"))
                Assert.DoesNotContain("WARNING", SeccompExplain.Explain(docker, SeccompNames.ArchName(arch), name, [0x26]));
    }
}
