using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

public class SkippedTests(ITestOutputHelper output)
{
    [Fact]
    public void DockerNamesNewerThanTheTablesAreSkippedAndListed()
    {
        var f = SeccompCompiler.Compile(TestData.Docker());
        output.WriteLine(string.Join(" ", f.SkippedSyscalls.Where(s => s.StartsWith("x86_64:", StringComparison.Ordinal))));
        Assert.Contains("x86_64:chown32", f.SkippedSyscalls);   // an x86-only name
        Assert.DoesNotContain("x86:chown32", f.SkippedSyscalls);
        Assert.Contains("x86_64:cachestat", f.SkippedSyscalls); // newer than the 6.1 headers
    }
}
