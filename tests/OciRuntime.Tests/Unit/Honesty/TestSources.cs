namespace OciRuntime.Tests.Unit.Honesty;

/// <summary>The C# sources of every test project in the repository (a project that references xunit).</summary>
public static class TestSources
{
    public static IEnumerable<string> Projects(string repoRoot) =>
        Walk(repoRoot, "*.csproj")
            .Where(p => File.ReadAllText(p).Contains("Include=\"xunit\"", StringComparison.OrdinalIgnoreCase))
            .Select(p => Path.GetDirectoryName(p)!)
            .Order(StringComparer.Ordinal);

    public static IEnumerable<string> Files(string projectDir) => Walk(projectDir, "*.cs").Order(StringComparer.Ordinal);

    // Pruned rather than filtered: build output, test bundles and out/ hold rootfs trees that other tests are
    // creating and deleting while this one walks.
    private static IEnumerable<string> Walk(string dir, string pattern)
    {
        foreach (var f in Directory.EnumerateFiles(dir, pattern)) yield return f;
        foreach (var d in Directory.EnumerateDirectories(dir))
        {
            string name = Path.GetFileName(d);
            if (name is "bin" or "obj" or "out" || name.StartsWith('.') || new DirectoryInfo(d).LinkTarget is not null) continue;
            foreach (var f in Walk(d, pattern)) yield return f;
        }
    }
}
