namespace OciRuntime.Cgroups;

/// <summary>
/// --systemd-cgroup: cgroupsPath is "slice:prefix:name" and systemd makes the cgroup, a transient scope
/// "prefix-name.scope" in the slice (system.slice when empty), as runc's systemd driver does.
/// </summary>
internal sealed record SystemdCgroupPath(string Slice, string Unit)
{
    private const string Field = "linux.cgroupsPath";

    /// <summary>The recorded form (state.json): the marker, then the scope's cgroup path.</summary>
    internal const string Marker = "@systemd:";

    internal static SystemdCgroupPath Parse(string? cgroupsPath, string id)
    {
        // runc: an empty cgroupsPath is "system.slice:runc:<id>"; here the prefix is ours.
        if (string.IsNullOrEmpty(cgroupsPath)) cgroupsPath = "system.slice:ocirun:" + id;
        var parts = cgroupsPath.Split(':');
        if (parts.Length != 3 || parts[2].Length == 0 || parts[0].Contains('/') || parts[1].Contains('/') || parts[2].Contains('/'))
            throw new RuntimeError($"{Field}: \"{cgroupsPath}\" is not slice:prefix:name, as --systemd-cgroup needs");
        string slice = parts[0].Length == 0 ? "system.slice" : parts[0];
        if (!slice.EndsWith(".slice", StringComparison.Ordinal))
            throw new RuntimeError($"{Field}: slice \"{parts[0]}\" must end in .slice");
        ExpandSlice(slice);
        string name = parts[2];
        string unit = name.EndsWith(".slice", StringComparison.Ordinal) ? name
            : parts[1].Length == 0 ? name + ".scope" : parts[1] + "-" + name + ".scope";
        return new SystemdCgroupPath(slice, unit);
    }

    /// <summary>"a-b.slice" → "/a.slice/a-b.slice": each dash is a level ("-.slice" is the root).</summary>
    internal static string ExpandSlice(string slice)
    {
        if (slice == "-.slice") return "/";
        string stem = slice[..^".slice".Length];
        if (stem.Length == 0 || stem.StartsWith('-') || stem.EndsWith('-') || stem.Contains("--") || stem.Contains('/'))
            throw new RuntimeError($"{Field}: \"{slice}\" is not a valid slice name");
        var path = new System.Text.StringBuilder();
        int at = 0;
        while (true)
        {
            int dash = stem.IndexOf('-', at);
            string prefix = dash < 0 ? stem : stem[..dash];
            path.Append('/').Append(prefix).Append(".slice");
            if (dash < 0) break;
            at = dash + 1;
        }
        return path.ToString();
    }

    /// <summary>The scope's cgroup, relative to the cgroup2 mount.</summary>
    internal string CgroupPath => (ExpandSlice(Slice).TrimEnd('/') + "/" + Unit);

    internal string Recorded => Marker + Slice + ":" + CgroupPath;

    /// <summary>Back from <see cref="Recorded"/>; null when the record is not a systemd one.</summary>
    internal static SystemdCgroupPath? FromRecorded(string? recorded)
    {
        if (recorded is null || !recorded.StartsWith(Marker, StringComparison.Ordinal)) return null;
        string rest = recorded[Marker.Length..];
        int colon = rest.IndexOf(':');
        if (colon < 0) return null;
        string path = rest[(colon + 1)..];
        return new SystemdCgroupPath(rest[..colon], path[(path.LastIndexOf('/') + 1)..]);
    }

    /// <summary>The recorded path as a cgroupfs path (what init and the files see).</summary>
    internal static string Strip(string recorded) =>
        FromRecorded(recorded)?.CgroupPath ?? recorded;

    /// <summary>
    /// Whether this invocation asked for the systemd driver. It is a global flag on ocirun's own command line; the
    /// cgroup layer reads it there so that every command (create, exec, update, delete) sees the same answer.
    /// </summary>
    internal static bool Requested() => Environment.GetCommandLineArgs().Contains("--systemd-cgroup");

    /// <summary>Refuses early, with one line, where no systemd runs.</summary>
    internal static void Check(string? cgroupsPath)
    {
        Parse(cgroupsPath, "id");
        if (!File.Exists(SystemdBus.PrivateSocket) && !Directory.Exists("/run/systemd/system"))
            throw new RuntimeError("--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); use a cgroupfs cgroupsPath without --systemd-cgroup");
    }
}
