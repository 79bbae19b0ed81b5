namespace OciRuntime.Cgroups;

/// <summary>Chooses the manager for the host's layout and resolves the container's cgroup path.</summary>
internal static class CgroupManagerFactory
{
    internal static ICgroupManager Create(string? cgroupsPath, string id) =>
        Create(CgroupLayout.Detect(), cgroupsPath, id, () => CgroupPaths.OwnCgroups(File.ReadLines("/proc/self/cgroup")));

    internal static ICgroupManager Create(CgroupLayout layout, string? cgroupsPath, string id, Func<Dictionary<string, string>> ownCgroups)
    {
        Dictionary<string, string>? own = null;
        string OwnOf(string key)
        {
            own ??= ownCgroups();
            return own.TryGetValue(key, out var p) ? p : "/";
        }
        if (layout.Mode == CgroupMode.Unified)
        {
            var v2 = layout.V2!;
            return new V2Manager(v2.MountPoint, CgroupPaths.Resolve(cgroupsPath, id, OwnOf, ""));
        }
        string display = CgroupPaths.Resolve(cgroupsPath, id, _ => "/", "");
        return new V1Manager(layout, display, h =>
            CgroupPaths.Resolve(cgroupsPath, id, OwnOf, h.IsV2 ? "" : h.Controllers.FirstOrDefault(c => !c.StartsWith("name=", StringComparison.Ordinal)) ?? h.Controllers.FirstOrDefault() ?? ""));
    }
}
