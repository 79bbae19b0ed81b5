namespace Conformance.Support;

/// <summary>
/// Where the host keeps a container's cgroup files. On a cgroup v2 host everything is in
/// one tree; on a v1 or hybrid host (this VM: v1 carries the controllers) each
/// controller has its own hierarchy. crun's wrapper hides /sys/fs/cgroup/unified only
/// inside its own mount namespace, so from here the v1 trees are the ones it uses too.
/// </summary>
public static class HostCgroup
{
    public static bool IsUnified => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    /// <summary>The directory of <paramref name="cgroupsPath"/> in <paramref name="controller"/>'s hierarchy.</summary>
    public static string Dir(string controller, string cgroupsPath) =>
        IsUnified
            ? Path.Combine("/sys/fs/cgroup", cgroupsPath.TrimStart('/'))
            : Path.Combine("/sys/fs/cgroup", controller, cgroupsPath.TrimStart('/'));

    /// <summary>Reads a control file, picking the v1 or v2 name.</summary>
    public static string Read(string controller, string cgroupsPath, string v1File, string v2File) =>
        File.ReadAllText(Path.Combine(Dir(controller, cgroupsPath), IsUnified ? v2File : v1File)).Trim();
}
