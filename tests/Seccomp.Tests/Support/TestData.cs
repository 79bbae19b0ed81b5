namespace Seccomp.Tests.Support;

/// <summary>Finds the shared test data (../shared beside the repository, per DESIGN.md).</summary>
public static class TestData
{
    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "testdata", "seccomp", relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"shared/testdata/seccomp/{relative} not found above {AppContext.BaseDirectory}");
    }

    public static SeccompProfile Docker() => ProfileJson.Load(Path("docker-default.oci-amd64.json"));
}
