using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>Docker's template resolved for other cases than the checked-in amd64 profile.</summary>
public class DockerTemplateTests(ITestOutputHelper output)
{
    [Fact]
    public void ResolvingTheTemplateForAmd64GivesTheCheckedInProfile()
    {
        var fromTemplate = DockerTemplate.Resolve("amd64", DockerTemplate.DefaultCaps);
        var resolved = TestData.Docker();
        Assert.Equal(resolved.Architectures, fromTemplate.Architectures);
        Assert.Equal(resolved.Syscalls.Count, fromTemplate.Syscalls.Count);
        for (int i = 0; i < resolved.Syscalls.Count; i++)
        {
            Assert.Equal(resolved.Syscalls[i].Names, fromTemplate.Syscalls[i].Names);
            Assert.Equal(resolved.Syscalls[i].Action, fromTemplate.Syscalls[i].Action);
            Assert.Equal(resolved.Syscalls[i].Args, fromTemplate.Syscalls[i].Args);
        }
    }

    [Fact]
    public void Arm64AndArmAgreeWithLibseccomp()
    {
        var profile = DockerTemplate.Resolve("arm64", DockerTemplate.DefaultCaps);
        Assert.Equal(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"], profile.Architectures);
        var options = new CompileOptions { NativeArch = SeccompArch.Aarch64 };
        var report = Comparison.Run(profile, options, seed: 5, randomArgVectors: 32);
        output.WriteLine($"arm64: {SeccompCompiler.Compile(profile, options).Program.Length} instructions; inputs {report.Inputs}, compared with libseccomp {report.ComparedWithLibseccomp}, ENOSYS {report.Enosys}");
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.True(report.ComparedWithLibseccomp > 1000);
    }

    [Fact]
    public void EveryCapabilityAgreesWithLibseccomp()
    {
        // With CAP_SYS_ADMIN, clone is allowed outright and the conditional clone rule is excluded.
        string[] all = [.. DockerTemplate.DefaultCaps, "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_MODULE", "CAP_SYS_PTRACE",
            "CAP_SYS_RAWIO", "CAP_SYS_TIME", "CAP_SYS_NICE", "CAP_SYSLOG", "CAP_BPF", "CAP_PERFMON", "CAP_DAC_READ_SEARCH",
            "CAP_SYS_PACCT", "CAP_SYS_TTY_CONFIG"];
        var profile = DockerTemplate.Resolve("amd64", all);
        var report = Comparison.Run(profile, CompileOptions.Default, seed: 6, randomArgVectors: 16);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.Equal(P.Allow, P.Run(SeccompCompiler.Compile(profile).Program, "clone", 0x10000000)); // CLONE_NEWUSER
    }
}
