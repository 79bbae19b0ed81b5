namespace Conformance.Support;

/// <summary>A directory under /tmp with the ocirun-test prefix, removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; }

    public TempDir(string purpose)
    {
        Path = Directory.CreateTempSubdirectory($"ocirun-test-{purpose}-").FullName;
        // CreateTempSubdirectory makes the directory 0700; a container with a user
        // namespace maps root to an unprivileged host uid that must still traverse the
        // bundle path to reach its rootfs.
        File.SetUnixFileMode(Path, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A mount left behind by a broken runtime can keep a path busy; leaving a
            // prefixed directory in /tmp is better than failing an otherwise passing case.
        }
    }
}
