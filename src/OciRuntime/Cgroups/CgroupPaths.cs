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
    internal static string Normalize(string path) => LexicalPath.Clean(path);

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

    /// <summary>The key a hierarchy is known by in /proc/self/cgroup and in an encoded path: its first controller, "" for cgroup2.</summary>
    internal static string KeyOf(CgroupHierarchy h) =>
        h.IsV2 ? "" : h.Controllers.FirstOrDefault(c => !c.StartsWith("name=", StringComparison.Ordinal)) ?? h.Controllers.FirstOrDefault() ?? "";

    /// <summary>
    /// The resolved paths as one string for the state record: the path itself when every hierarchy agrees (the
    /// usual case), else "@per-hierarchy:key=path;key=path..." (a relative cgroupsPath where the runtime sits in different
    /// cgroups per hierarchy, as on this host's memory hierarchy).
    /// </summary>
    internal static string Encode(IReadOnlyDictionary<string, string> byKey)
    {
        var distinct = byKey.Values.Distinct().ToList();
        if (distinct.Count <= 1) return distinct.FirstOrDefault() ?? "/";
        return PerHierarchy + string.Join(';', byKey.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
    }

    private const string PerHierarchy = "@per-hierarchy:";

    internal static bool IsPerHierarchy(string? recorded) => recorded is not null && recorded.StartsWith(PerHierarchy, StringComparison.Ordinal);

    /// <summary>The container's cgroup path in hierarchy <paramref name="h"/>, from a recorded (possibly encoded) path.</summary>
    internal static string PathIn(string? recorded, CgroupHierarchy h)
    {
        if (recorded is null) return "/";
        if (!IsPerHierarchy(recorded)) return SystemdCgroupPath.Strip(recorded);
        string key = KeyOf(h);
        string? first = null;
        foreach (var part in recorded[PerHierarchy.Length..].Split(';'))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) continue;
            first ??= part[(eq + 1)..];
            if (part[..eq] == key) return part[(eq + 1)..];
        }
        return first ?? "/";
    }
}
