using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

public class TablesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(SeccompArch.X86_64, "read", 0)]
    [InlineData(SeccompArch.X86_64, "set_mempolicy_home_node", 450)]
    [InlineData(SeccompArch.X86, "socketcall", 102)]
    [InlineData(SeccompArch.X86, "chown32", 212)]
    [InlineData(SeccompArch.X32, "read", 0x40000000)]
    [InlineData(SeccompArch.X32, "rt_sigaction", 0x40000200)]
    [InlineData(SeccompArch.Aarch64, "openat", 56)]
    [InlineData(SeccompArch.Aarch64, "fcntl", 25)]
    [InlineData(SeccompArch.Arm, "cacheflush", 0xf0002)]
    [InlineData(SeccompArch.Arm, "fcntl64", 221)]
    public void KnownNumbers(SeccompArch arch, string name, int nr)
    {
        Assert.True(SyscallTables.TryGetNumber(arch, name, out int got));
        Assert.Equal(nr, got);
        Assert.Equal(nr, SyscallTables.TryGetNumber(SeccompNames.ArchName(arch), name, out int viaString) ? viaString : -1);
        Assert.NotNull(SyscallTables.GetName(arch, nr));
    }

    [Fact]
    public void MissingNamesAreMissing()
    {
        Assert.False(SyscallTables.TryGetNumber(SeccompArch.X86_64, "chown32", out _));
        Assert.False(SyscallTables.TryGetNumber(SeccompArch.Aarch64, "open", out _));
        Assert.Null(SyscallTables.GetName(SeccompArch.X86_64, 100000));
        Assert.Equal(450, SyscallTables.MaxNumber("x86_64"));
    }

    [Fact]
    public void GeneratedFromKernelHeadersWithTheVersionRecorded()
    {
        foreach (var arch in Enum.GetValues<SeccompArch>())
            Assert.Matches(@"linux-libc-dev\S* 6\.\d+", SyscallTables.HeaderSource(arch));
    }

    /// <summary>
    /// Our tables against libseccomp 2.5.4's. They may differ only where libseccomp does not know a syscall
    /// or gives it a pseudo number (x86's socketcall/ipc multiplexed calls).
    /// </summary>
    [Fact]
    public void AgreeWithLibseccompWhereItKnowsTheSyscall()
    {
        var differences = new List<string>();
        foreach (var arch in Enum.GetValues<SeccompArch>())
        {
            int unknown = 0, pseudo = 0;
            foreach (var (name, nr) in SyscallTables.Entries(arch))
            {
                int lib = LibSeccomp.ResolveName(LibSeccomp.Token(arch), name);
                if (lib == -1) unknown++;
                else if (lib < 0) pseudo++;
                else if (lib != nr) differences.Add($"{arch} {name}: ours {nr}, libseccomp {lib}");
            }
            output.WriteLine($"{arch}: {SyscallTables.Entries(arch).Count()} names; libseccomp does not know {unknown}, gives {pseudo} a pseudo number");
        }
        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }
}

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
        // Every 12th name of each table (each call compiles the profile), plus the ones with argument rules.
        var docker = TestData.Docker();
        foreach (var arch in new[] { SeccompArch.X86_64, SeccompArch.X86, SeccompArch.X32 })
            foreach (var (name, _) in SyscallTables.Entries(arch).Where((e, i) => i % 12 == 0 || e.Name is "socket" or "personality" or "clone"))
                Assert.DoesNotContain("WARNING", SeccompExplain.Explain(docker, SeccompNames.ArchName(arch), name, [0x26]));
    }
}
