using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>maskedPaths and readonlyPaths, applied after pivot_root (paths are the container's).</summary>
internal static class PathMasks
{
    /// <summary>Files are covered with /dev/null, directories with an empty read-only tmpfs.</summary>
    internal static void Mask(IEnumerable<string>? paths)
    {
        foreach (var p in paths ?? [])
        {
            if (Directory.Exists(p))
                Sys.Mount("tmpfs", p, "tmpfs", Sys.MS_RDONLY, null);
            else if (File.Exists(p) || Path.Exists(p))
            {
                try { Sys.Mount("/dev/null", p, "bind", Sys.MS_BIND, null); }
                catch (SyscallException e) when (e.Errno == Errno.ENOENT) { }
            }
        }
    }

    /// <summary>A bind of the path onto itself, remounted read-only, keeping the flags the kernel locked.</summary>
    internal static void ReadOnly(IEnumerable<string>? paths)
    {
        foreach (var p in paths ?? [])
        {
            if (!Path.Exists(p)) continue;
            Sys.Mount(p, p, "bind", Sys.MS_BIND | Sys.MS_REC, null);
            ulong keep = Sys.MountFlagsOf(p);
            Sys.Mount(null, p, null, Sys.MS_BIND | Sys.MS_REMOUNT | Sys.MS_RDONLY | Sys.MS_REC | keep, null);
        }
    }

    internal static void ReadOnlyRoot()
    {
        ulong keep = Sys.MountFlagsOf("/");
        Sys.Mount(null, "/", null, Sys.MS_BIND | Sys.MS_REMOUNT | Sys.MS_RDONLY | keep, null);
    }
}
