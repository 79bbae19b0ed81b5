using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

public class DockerProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void AgreesWithLibseccompAndTheReference()
    {
        var profile = TestData.Docker();
        var report = Comparison.Run(profile, CompileOptions.Default, seed: 1, randomArgVectors: 64);
        output.WriteLine($"inputs {report.Inputs}, compared with libseccomp {report.ComparedWithLibseccomp}, ENOSYS {report.Enosys}, ambiguous {report.Ambiguous}, numbers whose tables differ {report.TableDiffers}");
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
        Assert.True(report.ComparedWithLibseccomp > 1000);
    }
}
