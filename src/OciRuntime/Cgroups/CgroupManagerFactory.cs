namespace OciRuntime.Cgroups;

/// <summary>Chooses the manager for the host's layout and resolves the container's cgroup path.</summary>
internal static class CgroupManagerFactory
{
    /// <summary>
    /// <paramref name="cgroupsPath"/>: the config's linux.cgroupsPath at create, or the recorded
    /// <see cref="ICgroupManager.Path"/> afterwards (already resolved, so later commands find the same directories
    /// whatever cgroup they run in).
    /// </summary>
    internal static ICgroupManager Create(string? cgroupsPath, string id) => Create(CgroupLayout.Detect(), cgroupsPath, id);

    /// <summary>With a layout already read (create reads the mount table once: the cgroup mounts use it too).</summary>
    internal static ICgroupManager Create(CgroupLayout layout, string? cgroupsPath, string id) =>
        Create(layout, cgroupsPath, id, () => CgroupPaths.OwnCgroups(File.ReadLines("/proc/self/cgroup")),
            SystemdCgroupPath.Requested());

    /// <param name="systemd">--systemd-cgroup: a config's cgroupsPath is slice:prefix:name (a recorded one says so itself).</param>
    internal static ICgroupManager Create(CgroupLayout layout, string? cgroupsPath, string id, Func<Dictionary<string, string>> ownCgroups, bool systemd)
    {
        var unit = SystemdCgroupPath.FromRecorded(cgroupsPath) ?? (systemd ? SystemdCgroupPath.Parse(cgroupsPath, id) : null);
        if (unit is null) return Create(layout, cgroupsPath, id, ownCgroups);
        // The v2 driver where cgroup2 carries the controllers; the v1 driver where v1 does (hybrid and legacy hosts).
        return layout.Mode == CgroupMode.Unified ? new SystemdManager(layout.V2!, unit) : new SystemdV1Manager(layout, unit);
    }

    internal static ICgroupManager Create(CgroupLayout layout, string? cgroupsPath, string id, Func<Dictionary<string, string>> ownCgroups)
    {
        Dictionary<string, string>? own = null;
        string OwnOf(string key)
        {
            own ??= ownCgroups();
            return own.TryGetValue(key, out var p) ? p : "/";
        }
        if (CgroupPaths.IsPerHierarchy(cgroupsPath))
        {
            if (layout.Mode == CgroupMode.Unified) return new V2Manager(layout.V2!.MountPoint, CgroupPaths.PathIn(cgroupsPath!, layout.V2));
            return new V1Manager(layout, cgroupsPath!, h => CgroupPaths.PathIn(cgroupsPath!, h));
        }
        if (layout.Mode == CgroupMode.Unified)
        {
            var v2 = layout.V2!;
            return new V2Manager(v2.MountPoint, CgroupPaths.Resolve(cgroupsPath, id, OwnOf, ""));
        }
        var paths = layout.Hierarchies.ToDictionary(CgroupPaths.KeyOf, h => CgroupPaths.Resolve(cgroupsPath, id, OwnOf, CgroupPaths.KeyOf(h)));
        return new V1Manager(layout, CgroupPaths.Encode(paths), h => paths[CgroupPaths.KeyOf(h)]);
    }
}
