namespace OciRuntime.Cgroups;

/// <summary>
/// cgroupsPath as config-linux.md defines it: absolute paths are taken from the hierarchy's root,
/// relative ones from the runtime's own cgroup, and an absent one becomes /ocirun/&lt;id&gt;.
/// </summary>
internal static class CgroupPaths
{
    internal static string Resolve(string? cgroupsPath, string id, Func<string, string> ownCgroupOf, string controllerKey)
    {
        if (string.IsNullOrEmpty(cgroupsPath)) return "/ocirun/" + id;
        if (cgroupsPath.StartsWith('/')) return Normalize(cgroupsPath);
        return Normalize(ownCgroupOf(controllerKey).TrimEnd('/') + "/" + cgroupsPath);
    }

    /// <summary>Removes "." and ".." so a path can never climb out of the hierarchy.</summary>
    internal static string Normalize(string path)
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

    /// <summary>The calling process's cgroup per controller ("" key for the v2 hierarchy), from /proc/self/cgroup.</summary>
    internal static Dictionary<string, string> OwnCgroups(IEnumerable<string> procSelfCgroup)
    {
        var map = new Dictionary<string, string>();
        foreach (var line in procSelfCgroup)
        {
            var parts = line.Split(':', 3);
            if (parts.Length != 3) continue;
            if (parts[1].Length == 0) { map[""] = parts[2]; continue; }
            foreach (var c in parts[1].Split(',')) map[c] = parts[2];
        }
        return map;
    }
}
