namespace Engines.Tests.Support;

/// <summary>Where the runtime under test and the repository are.</summary>
public static class Paths
{
    public static string RepoRoot { get; } = FindRepo();

    /// <summary>OCIRUN_UNDER_TEST, or out/ocirun of this checkout; engines need an absolute path.</summary>
    public static string Runtime { get; } = System.IO.Path.GetFullPath(
        Environment.GetEnvironmentVariable("OCIRUN_UNDER_TEST") is { Length: > 0 } p ? p : System.IO.Path.Join(RepoRoot, "out", "ocirun"));

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(System.IO.Path.Join(d.FullName, "OciRuntime.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (OciRuntime.sln)");
    }

    /// <summary>A fresh directory under /tmp named for the test run, removed by the caller.</summary>
    public static string TempDir(string what)
    {
        string dir = System.IO.Path.Join(System.IO.Path.GetTempPath(), $"ocirun-test-{what}-{Environment.ProcessId}");
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
