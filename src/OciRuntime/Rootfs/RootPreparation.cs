namespace OciRuntime.Rootfs;

/// <summary>
/// Which mount holds the rootfs, read from a mountinfo table: the mount compiler makes it private when it is
/// shared (pivot_root refuses a new root whose parent mount is shared).
/// </summary>
internal static class RootPreparation
{
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
}
