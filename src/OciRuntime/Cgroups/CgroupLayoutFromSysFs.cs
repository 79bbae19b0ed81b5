using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// The cgroup layout found without reading /proc/self/mountinfo, whose cost grows with every mount of the host (the
/// kernel formats the whole table anew on each read). /sys/fs/cgroup is asked directly: cgroup2 there is a unified
/// host; a tmpfs holds one mount per v1 hierarchy plus, on a hybrid host, a cgroup2. statmount(2) gives each mount's
/// superblock, root, mount point and options: the fields the mountinfo reader takes from a line, so both feed
/// <see cref="CgroupLayout.Build"/>. Anything this cannot vouch for answers null and the caller reads the table.
/// </summary>
internal static class CgroupLayoutFromSysFs
{
    internal const string DefaultBase = "/sys/fs/cgroup";

    /// <summary>The layout, or null when the mount table must decide: no statmount or unique mount ids (before Linux
    /// 6.8, or v1 options before 6.11), <paramref name="baseDir"/> not a mount of its own or covering another mount,
    /// an entry that is not a cgroup mount directly on it, or no hierarchy at all (cgroups mounted elsewhere).</summary>
    internal static CgroupLayout? TryDetect(string baseDir = DefaultBase)
    {
        var top = MountAt(baseDir, Sys.STATMOUNT_MNT_ROOT | Sys.STATMOUNT_MNT_POINT);
        if (top is null || top.MountPoint != baseDir || Covers(top)) return null;
        if (top.SbMagic == Sys.CGROUP2_SUPER_MAGIC)
            return CgroupLayout.Build([Record(top, isV2: true)]);
        if (top.SbMagic != Sys.TMPFS_MAGIC) return null;

        var mounts = new List<StatMountInfo>();
        var v2 = new HashSet<ulong>();
        foreach (var path in Directory.EnumerateFileSystemEntries(baseDir))
        {
            if (Sys.Identify(Sys.AT_FDCWD, path, out var id) < 0) return null;
            if (id.Type == Sys.S_IFLNK) continue; // cpu -> cpu,cpuacct: an alias of a hierarchy listed under its own name
            if (id.Type != Sys.S_IFDIR || !id.MountRoot || !id.UniqueMountId) return null;
            var m = Sys.StatMount(id.MountId, Sys.STATMOUNT_MNT_ROOT | Sys.STATMOUNT_MNT_POINT | Sys.STATMOUNT_MNT_OPTS);
            // Its parent must be the tmpfs itself: a mount stacked on another hides one the table lists first.
            if (m is null || m.ParentId != top.Id || m.MountPoint != path || m.Root is null) return null;
            if (m.SbMagic == Sys.CGROUP2_SUPER_MAGIC) v2.Add(m.Id);
            else if (m.SbMagic != Sys.CGROUP_SUPER_MAGIC || m.Options is null) return null;
            mounts.Add(m);
        }
        if (mounts.Count == 0) return null;
        // Unique mount ids grow in mount order, the order of the table, which decides who claims a controller first.
        return CgroupLayout.Build(mounts.OrderBy(m => m.Id).Select(m => Record(m, v2.Contains(m.Id))).ToList());
    }

    private static CgroupMount Record(StatMountInfo m, bool isV2) =>
        new($"{m.DevMajor}:{m.DevMinor}", m.Root!, m.MountPoint!, isV2, m.Options ?? "");

    private static StatMountInfo? MountAt(string path, ulong strings)
    {
        if (Sys.Identify(Sys.AT_FDCWD, path, out var id) < 0 || !id.MountRoot || !id.UniqueMountId) return null;
        var m = Sys.StatMount(id.MountId, strings);
        return m?.Root is null ? null : m;
    }

    /// <summary>Whether <paramref name="m"/> sits on another mount at the same place (whose cgroups the table would
    /// list before anything on this one).</summary>
    private static bool Covers(StatMountInfo m) =>
        m.ParentId == m.Id || Sys.StatMount(m.ParentId, Sys.STATMOUNT_MNT_POINT) is not { MountPoint: { } p } || p == m.MountPoint;
}
