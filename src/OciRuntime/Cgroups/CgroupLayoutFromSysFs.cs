using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// The cgroup layout found without reading /proc/self/mountinfo, whose cost grows with every mount of the host (the
/// kernel formats the whole table anew on each read). /sys/fs/cgroup is asked directly: cgroup2 there is a unified
/// host; on a tmpfs, the mounts directly on it (listmount) are the v1 hierarchies plus, on a hybrid host, a cgroup2.
/// statmount(2) gives each one's superblock, root, mount point and options: the fields the mountinfo reader takes from
/// a line, so both feed <see cref="CgroupLayout.Build"/>. Anything this cannot vouch for answers null and the caller
/// reads the table.
/// </summary>
internal static class CgroupLayoutFromSysFs
{
    internal const string DefaultBase = "/sys/fs/cgroup";
    private const ulong Strings = Sys.STATMOUNT_MNT_ROOT | Sys.STATMOUNT_MNT_POINT;

    /// <summary>The layout, or null when the mount table must decide: no statmount/listmount or unique mount ids
    /// (before Linux 6.8; v1 options before 6.11), <paramref name="baseDir"/> not a mount of its own or stacked on
    /// another, a mount on it that is not cgroup, a mount on a hierarchy or stacked on it, no hierarchy at all
    /// (cgroups mounted elsewhere).</summary>
    internal static CgroupLayout? TryDetect(string baseDir = DefaultBase)
    {
        if (Sys.TryIdentify(Sys.AT_FDCWD, baseDir, out var id) < 0 || !id.MountRoot || !id.UniqueMountId) return null;
        var top = Sys.StatMount(id.MountId, Strings);
        if (top is null || top.Root is null || top.MountPoint != baseDir || Covers(top)) return null;
        if (top.SbMagic == Sys.CGROUP2_SUPER_MAGIC)
            return NothingOn(top.Id) ? CgroupLayout.Build([Record(top, isV2: true)]) : null;
        if (top.SbMagic != Sys.TMPFS_MAGIC) return null;

        Span<ulong> ids = stackalloc ulong[64];
        long n = Sys.TryListMounts(top.Id, ids);
        if (n <= 0 || n == ids.Length) return null;
        // Unique ids grow in mount order, the order of the table, which decides who claims a controller first.
        ids = ids[..(int)n];
        ids.Sort();
        var mounts = new List<CgroupMount>();
        foreach (ulong child in ids)
        {
            var m = Sys.StatMount(child, Strings | Sys.STATMOUNT_MNT_OPTS);
            // Whatever sits on a hierarchy (another mount stacked on it, or below it) may be a cgroup the table lists.
            if (m is null || m.Root is null || m.MountPoint is null || !NothingOn(child)) return null;
            if (m.SbMagic == Sys.CGROUP2_SUPER_MAGIC) mounts.Add(Record(m, isV2: true));
            else if (m.SbMagic == Sys.CGROUP_SUPER_MAGIC && m.Options is not null) mounts.Add(Record(m, isV2: false));
            else return null;
        }
        return CgroupLayout.Build(mounts);
    }

    private static CgroupMount Record(StatMountInfo m, bool isV2) =>
        new($"{m.DevMajor}:{m.DevMinor}", m.Root!, m.MountPoint!, isV2, m.Options ?? "");

    private static bool NothingOn(ulong mountId) => Sys.TryListMounts(mountId, stackalloc ulong[1]) == 0;

    /// <summary>Whether <paramref name="m"/> sits on another mount at the same place (whose cgroups the table would
    /// list before anything on this one).</summary>
    private static bool Covers(StatMountInfo m) =>
        m.ParentId == m.Id || Sys.StatMount(m.ParentId, Sys.STATMOUNT_MNT_POINT) is not { MountPoint: { } p } || p == m.MountPoint;
}
