namespace OciRuntime.Cgroups;

/// <summary>One mounted cgroup hierarchy of the host.</summary>
internal sealed record CgroupHierarchy(string MountPoint, bool IsV2, IReadOnlyList<string> Controllers, string Root);

internal enum CgroupMode { Unified, Legacy, Hybrid }

/// <summary>One cgroup or cgroup2 mount as the mount table states it: superblock device ("maj:min"), the mount's root
/// within its filesystem, where it is mounted, and the superblock's options (v1: the controllers).</summary>
internal sealed record CgroupMount(string Device, string Root, string MountPoint, bool IsV2, string SuperOptions);

/// <summary>
/// The host's cgroup mounts. On a hybrid host (this project's CI) the v1
/// hierarchies carry the controllers and a controller-less cgroup2 sits at /sys/fs/cgroup/unified.
/// </summary>
internal sealed record CgroupLayout(CgroupMode Mode, IReadOnlyList<CgroupHierarchy> Hierarchies)
{
    /// <summary>The host's layout: from /sys/fs/cgroup by statfs/statmount where the kernel allows it (no cost per
    /// host mount), else from the whole mount table. Both give the same result (CgroupLayoutFromSysFsTests).</summary>
    internal static CgroupLayout Detect() => CgroupLayoutFromSysFs.TryDetect() ?? FromMountTable();

    internal static CgroupLayout FromMountTable() => Parse(File.ReadAllLines("/proc/self/mountinfo"));

    internal static CgroupLayout Parse(IEnumerable<string> mountinfo) => Build(CgroupMounts(mountinfo));

    /// <summary>The cgroup and cgroup2 lines of a mountinfo text, in table order.</summary>
    private static IEnumerable<CgroupMount> CgroupMounts(IEnumerable<string> mountinfo)
    {
        foreach (var line in mountinfo)
        {
            // id parent maj:min root mountpoint options [optional...] - fstype source superoptions
            int sep = line.IndexOf(" - ", StringComparison.Ordinal);
            // Most lines are other filesystems: skip them before splitting anything.
            if (sep < 0 || string.CompareOrdinal(line, sep + 3, "cgroup", 0, 6) != 0) continue;
            var left = line[..sep].Split(' ');
            var right = line[(sep + 3)..].Split(' ');
            if (left.Length < 5 || right.Length < 3) continue;
            string fstype = right[0];
            if (fstype != "cgroup" && fstype != "cgroup2") continue;
            yield return new CgroupMount(left[2], Unescape(left[3]), Unescape(left[4]), fstype == "cgroup2", right[2]);
        }
    }

    /// <summary>The layout from cgroup mounts in mount order, whichever way they were found.</summary>
    internal static CgroupLayout Build(IEnumerable<CgroupMount> mounts)
    {
        var list = new List<CgroupHierarchy>();
        var seen = new HashSet<string>();
        // A hierarchy mounted twice (a container's /sys/fs/cgroup seen from the host, a bind mount of cgroupfs) is
        // one hierarchy: the first mount of each controller and of cgroup2 counts, as in runc's GetCgroupMounts.
        var claimed = new HashSet<string>();
        foreach (var m in mounts)
        {
            // The same hierarchy mounted again (same superblock) is skipped: the first is the host's, a later
            // one a container's view under its rootfs (no mount namespace) or another runtime's leftover.
            if (!seen.Add(m.MountPoint) || !seen.Add("dev " + m.Device)) continue;
            if (m.IsV2)
            {
                if (!claimed.Add("")) continue;
                list.Add(new CgroupHierarchy(m.MountPoint, true, [], m.Root));
                continue;
            }
            var controllers = m.SuperOptions.Split(',')
                .Where(o => o is not ("rw" or "ro" or "") && !o.StartsWith("release_agent", StringComparison.Ordinal)
                            && o != "clone_children" && o != "noprefix" && o != "xattr" && o != "cpuset_v2_mode")
                .ToList();
            if (controllers.Count(claimed.Add) == 0) continue;
            list.Add(new CgroupHierarchy(m.MountPoint, false, controllers, m.Root));
        }
        bool hasV1 = list.Any(h => !h.IsV2);
        bool hasV2 = list.Any(h => h.IsV2);
        var mode = hasV1 && hasV2 ? CgroupMode.Hybrid : hasV1 ? CgroupMode.Legacy : CgroupMode.Unified;
        return new CgroupLayout(mode, list);
    }

    private static string Unescape(string s) => s.Contains('\\') ? s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\") : s;

    internal CgroupHierarchy? V2 => Hierarchies.FirstOrDefault(h => h.IsV2);

    internal CgroupHierarchy? V1For(string controller) =>
        Hierarchies.FirstOrDefault(h => !h.IsV2 && h.Controllers.Contains(controller));
}
