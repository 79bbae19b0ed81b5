namespace OciRuntime.Cgroups;

/// <summary>
/// --systemd-cgroup: cgroupsPath is "slice:prefix:name" and systemd creates the scope. The form is checked;
/// without a running systemd (no /run/systemd/system) there is nobody to ask, which is said plainly.
/// </summary>
internal static class SystemdCgroupPath
{
    internal static (string Slice, string Prefix, string Name) Parse(string? cgroupsPath)
    {
        var parts = (cgroupsPath ?? "").Split(':');
        if (parts.Length != 3 || parts[2].Length == 0 || parts[0].Contains('/') || parts[1].Contains('/'))
            throw new RuntimeError($"linux.cgroupsPath: \"{cgroupsPath}\" is not slice:prefix:name, as --systemd-cgroup needs");
        if (parts[0].Length > 0 && !parts[0].EndsWith(".slice", StringComparison.Ordinal))
            throw new RuntimeError($"linux.cgroupsPath: slice \"{parts[0]}\" must end in .slice");
        return (parts[0], parts[1], parts[2]);
    }

    internal static void Check(string? cgroupsPath)
    {
        Parse(cgroupsPath);
        if (!Directory.Exists("/run/systemd/system"))
            throw new RuntimeError("--systemd-cgroup: systemd is not running on this host (no /run/systemd/system); use a cgroupfs cgroupsPath without --systemd-cgroup");
        throw new RuntimeError("--systemd-cgroup: talking to systemd over D-Bus is not supported by this build");
    }
}
