namespace Seccomp.Tests.Support;

/// <summary>Finds the repository's own test data (testdata/ at the root of the checkout, beside OciRuntime.sln).</summary>
public static class TestData
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(System.IO.Path.Combine(dir.FullName, "OciRuntime.sln"))) continue;
            var candidate = System.IO.Path.Combine(dir.FullName, "testdata", "seccomp", relative);
            if (File.Exists(candidate)) return candidate;
            throw new FileNotFoundException($"{candidate} is missing from the checkout");
        }
        throw new FileNotFoundException($"no checkout (OciRuntime.sln) above {AppContext.BaseDirectory}");
    }

    public static SeccompProfile Docker() => ProfileJson.Load(Path("docker-default.oci-amd64.json"));
}
