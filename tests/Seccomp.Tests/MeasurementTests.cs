using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>
/// The figures in src/Seccomp/README.md: Docker's default profile, every x86_64 syscall number of our
/// table, arguments zero, ours against libseccomp 2.5.4 with SCMP_FLTATR_CTL_OPTIMIZE=2 (its binary tree).
/// </summary>
public class MeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void DockerProfileIsSmallerAndFasterThanLibseccomp()
    {
        var profile = TestData.Docker();
        var ours = SeccompCompiler.Compile(profile).Program;
        var oursNoEnosys = SeccompCompiler.Compile(profile, new CompileOptions { EnosysForUnknownSyscalls = false }).Program;
        var lib = RuncStyle.Build(profile);
        var libLinear = RuncStyle.Build(profile, optimize: 1);

        var o = Figures.Of(ours, SeccompArch.X86_64);
        var on = Figures.Of(oursNoEnosys, SeccompArch.X86_64);
        var l = Figures.Of(lib, SeccompArch.X86_64);
        var ll = Figures.Of(libLinear, SeccompArch.X86_64);
        FigureReport.Line(output, $"x86_64, Docker default profile (x86_64 + x86 + x32), {SyscallTables.Entries(SeccompArch.X86_64).DistinctBy(e => e.Nr).Count()} syscall numbers:");
        FigureReport.Line(output, $"  ocirun (ENOSYS patch on):  {o}");
        FigureReport.Line(output, $"  ocirun (ENOSYS patch off): {on}");
        FigureReport.Line(output, $"  libseccomp optimize=2:     {l}");
        FigureReport.Line(output, $"  libseccomp optimize=1:     {ll}");
        foreach (var arch in new[] { SeccompArch.X86, SeccompArch.X32 })
            FigureReport.Line(output, $"  {arch}: ocirun {Figures.Of(ours, arch)}; libseccomp optimize=2 {Figures.Of(lib, arch)}");

        Assert.True(o.Total <= l.Total, $"total {o.Total} > {l.Total}");
        Assert.True(o.Average <= l.Average, $"average {o.Average} > {l.Average}");
        Assert.True(o.Worst <= l.Worst, $"worst {o.Worst} > {l.Worst}");
    }
}
