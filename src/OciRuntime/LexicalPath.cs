namespace OciRuntime;

/// <summary>Paths cleaned by text alone, as runc's filepath.Clean on an absolute path: used where a path must never
/// climb above its root (a cgroupsPath in its hierarchy, a mount destination in the rootfs) before anything resolves it.</summary>
internal static class LexicalPath
{
    /// <summary>An absolute path without ".", empty parts or "..", each ".." taking one part and never going above "/".</summary>
    internal static string Clean(string path)
    {
        var parts = new List<string>();
        foreach (var p in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (p == ".") continue;
            if (p == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return "/" + string.Join('/', parts);
    }
}
