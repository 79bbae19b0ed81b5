using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// Before any mount: the host's mounts stop propagating into ours per rootfsPropagation (rslave by default),
/// and the rootfs becomes a mount point of its own (pivot_root needs one).
/// </summary>
internal static class RootPreparation
{
    /// <summary>Returns /proc/self/mountinfo as read on the way (after the propagation change), so init reads the
    /// mount table once: the cgroup hierarchies in it are the same.</summary>
    internal static string[] Prepare(string rootfs, string? rootfsPropagation)
    {
        ulong propagation = Sys.MS_SLAVE | Sys.MS_REC;
        if (!string.IsNullOrEmpty(rootfsPropagation))
        {
            if (!MountOptionTable.Propagation.TryGetValue(rootfsPropagation, out propagation))
                throw new RuntimeError($"linux.rootfsPropagation: unknown value \"{rootfsPropagation}\"");
        }
        // An unbindable "/" could not give the rootfs its bind onto itself: private until pivot_root, then unbindable.
        if ((propagation & Sys.MS_UNBINDABLE) != 0) propagation = Sys.MS_PRIVATE | (propagation & Sys.MS_REC);
        Sys.Mount(null, "/", null, propagation, null);
        var mountinfo = File.ReadAllLines("/proc/self/mountinfo");
        MakeParentPrivate(rootfs, mountinfo);
        Sys.Mount(rootfs, rootfs, "bind", Sys.MS_BIND | Sys.MS_REC, null);
        return mountinfo;
    }

    /// <summary>pivot_root refuses a new root whose parent mount is shared; make that one mount private.</summary>
    private static void MakeParentPrivate(string rootfs, string[] mountinfo)
    {
        var (mountPoint, shared) = HolderOf(rootfs, mountinfo);
        if (mountPoint is not null && shared) Sys.Mount(null, mountPoint, null, Sys.MS_PRIVATE, null);
    }

    /// <summary>The mount point holding <paramref name="rootfs"/> in a mountinfo table (the longest prefix, the last
    /// of equal ones: the topmost) and whether it is shared; (null, false) when none holds it.</summary>
    internal static (string? MountPoint, bool Shared) HolderOf(string rootfs, IEnumerable<string> mountinfo)
    {
        string? best = null;
        bool shared = false;
        foreach (var line in mountinfo)
        {
            var f = line.Split(' ');
            if (f.Length < 7) continue;
            string mp = f[4];
            bool under = rootfs == mp || rootfs.StartsWith(mp.TrimEnd('/') + "/", StringComparison.Ordinal);
            if (!under || (best is not null && mp.Length < best.Length)) continue;
            best = mp;
            shared = false;
            for (int i = 6; i < f.Length && f[i] != "-"; i++) if (f[i].StartsWith("shared:", StringComparison.Ordinal)) shared = true;
        }
        return (best, shared);
    }

    /// <summary>rootfsPropagation applied to the container's "/" once it is the root (runc does the same): set
    /// before, it would have been the host-side view of the rootfs mount.</summary>
    internal static void ApplyAfterPivot(string? rootfsPropagation)
    {
        if (!string.IsNullOrEmpty(rootfsPropagation) && MountOptionTable.Propagation.TryGetValue(rootfsPropagation, out ulong flags))
            Sys.Mount(null, "/", null, flags, null);
    }
}
