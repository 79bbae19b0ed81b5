namespace OciRuntime.Rootfs;

/// <summary>Whether SELinux is on. Without it runc ignores linux.mountLabel (and process.selinuxLabel) and so do we.</summary>
internal static class SeLinux
{
    internal static bool Enabled => File.Exists("/sys/fs/selinux/enforce") || File.Exists("/selinux/enforce");
}
