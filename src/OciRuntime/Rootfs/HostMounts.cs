using System.Text;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>
/// A container without a mount namespace inherits the runtime's (config-linux.md: "If a namespace type is not
/// specified in the namespaces array, the container MUST inherit the runtime namespace of that type"), so its
/// <c>mounts</c> are made there, on the host, under the rootfs. The destinations are listed in the state directory
/// before the setup program makes them, and <c>delete</c> takes them off again, so nothing is left on the host
/// (runc and crun leave them).
/// </summary>
internal static class HostMounts
{
    internal const string ListFile = "host-mounts";
    private const int MNT_DETACH = 2;
    private const ulong InRoot = Sys.RESOLVE_IN_ROOT | Sys.RESOLVE_NO_MAGICLINKS;

    /// <summary>Lists the destinations (as given; resolved inside the rootfs again at delete).</summary>
    internal static void Record(string stateDir, IReadOnlyList<Mount> mounts) =>
        State.StateStore.WriteAtomic(Path.Join(stateDir, ListFile),
            Encoding.UTF8.GetBytes(string.Concat(mounts.Select(m => m.Destination + "\n"))));

    /// <summary>Unmounts what <see cref="Record"/> listed, last first.
    /// Every destination is resolved inside the rootfs (openat2 RESOLVE_IN_ROOT), so a symlink the container
    /// planted cannot point the unmount at a host mount; only a mount other than the rootfs's own is taken off.</summary>
    internal static void Remove(string stateDir, string rootfs)
    {
        string list = Path.Join(stateDir, ListFile);
        if (!File.Exists(list)) return;
        var destinations = File.ReadAllLines(list).Where(l => l.Length > 0).Reverse().ToList();
        if (Directory.Exists(rootfs))
        {
            using var root = OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, rootfs, Sys.O_PATH | Sys.O_DIRECTORY), $"open rootfs {rootfs}");
            long rootMnt = MountId(root.Fd);
            // One entry, one mount (an rbind's submounts go with it under MNT_DETACH).
            foreach (var dest in destinations)
            {
                string rel = dest.TrimStart('/');
                using var fd = new OwnedFd(Sys.TryOpenat2(root.Fd, rel.Length == 0 ? "." : rel, Sys.O_PATH, InRoot));
                if (!fd.IsOpen) continue; // gone (or never made): nothing mounted there
                long mnt = MountId(fd.Fd);
                if (mnt < 0 || mnt == rootMnt) continue; // the rootfs's own mount: nothing of ours
                long r = Sys.TryUmount($"/proc/self/fd/{fd.Fd}", MNT_DETACH);
                if (r < 0) throw new RuntimeError($"mounts: unmount {dest} from the host: {SyscallException.Describe((int)-r)}");
            }
        }
        File.Delete(list);
    }

    /// <summary>The mount id of a descriptor (statx STATX_MNT_ID), or -errno.</summary>
    private static unsafe long MountId(int fd)
    {
        StatxBuffer sx;
        long r = Sys.TryStatx(fd, null, 0, Sys.STATX_MNT_ID, &sx);
        if (r < 0) return r;
        if ((sx.Mask & Sys.STATX_MNT_ID) == 0) return -Errno.EINVAL; // kernel older than 5.8
        return (long)sx.MountId;
    }
}
