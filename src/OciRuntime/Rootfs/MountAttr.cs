using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>Recursive mount attributes (rro, rnosuid, ...) through mount_setattr(2), on the fd of the mount itself.</summary>
internal static class MountAttr
{
    internal static void Set(int mountFd, string what, ulong set, ulong clear) =>
        Sys.Check(Sys.TryMountSetattrFd(mountFd, recursive: true, set, clear, 0, 0), $"mount_setattr {what}");
}
