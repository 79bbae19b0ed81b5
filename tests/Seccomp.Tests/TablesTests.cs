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
