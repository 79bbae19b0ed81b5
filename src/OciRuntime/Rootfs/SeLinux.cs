namespace OciRuntime.Rootfs;

/// <summary>Whether SELinux is on. Without it runc ignores linux.mountLabel (and process.selinuxLabel) and so do we.</summary>
internal static class SeLinux
{
    internal static bool Enabled => File.Exists("/sys/fs/selinux/enforce") || File.Exists("/selinux/enforce");

    /// <summary>mountLabel as runc applies it: a context= option on the filesystems that take one (SELinux only).</summary>
    internal static string? WithLabel(string type, string? data, string? label)
    {
        if (string.IsNullOrEmpty(label) || type is "proc" or "sysfs" or "cgroup" or "cgroup2" or "overlay") return data;
        string ctx = $"context=\"{label}\"";
        return string.IsNullOrEmpty(data) ? ctx : data + "," + ctx;
    }
}
