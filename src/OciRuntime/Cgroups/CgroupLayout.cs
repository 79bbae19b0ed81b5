namespace OciRuntime.Cgroups;

/// <summary>One mounted cgroup hierarchy of the host.</summary>
internal sealed record CgroupHierarchy(string MountPoint, bool IsV2, IReadOnlyList<string> Controllers, string Root);

internal enum CgroupMode { Unified, Legacy, Hybrid }

/// <summary>
/// The host's cgroup mounts, read from /proc/self/mountinfo. On a hybrid host (this project's CI) the v1
/// hierarchies carry the controllers and a controller-less cgroup2 sits at /sys/fs/cgroup/unified.
/// </summary>
internal sealed record CgroupLayout(CgroupMode Mode, IReadOnlyList<CgroupHierarchy> Hierarchies)
{
    internal static CgroupLayout Detect() => Parse(File.ReadAllLines("/proc/self/mountinfo"));

    internal static CgroupLayout Parse(IEnumerable<string> mountinfo)
    {
        var list = new List<CgroupHierarchy>();
        var seen = new HashSet<string>();
        // A hierarchy mounted twice (a container's /sys/fs/cgroup seen from the host, a bind mount of cgroupfs) is
        // one hierarchy: the first mount of each controller and of cgroup2 counts, as in runc's GetCgroupMounts.
        var claimed = new HashSet<string>();
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
            string mountPoint = Unescape(left[4]);
            // The same hierarchy mounted again (same superblock, left[2]) is skipped: the first is the host's, a later
            // one a container's view under its rootfs (no mount namespace) or another runtime's leftover.
            if (!seen.Add(mountPoint) || !seen.Add("dev " + left[2])) continue;
            string root = Unescape(left[3]);
            if (fstype == "cgroup2")
            {
                if (!claimed.Add("")) continue;
                list.Add(new CgroupHierarchy(mountPoint, true, [], root));
                continue;
            }
            var controllers = right[2].Split(',')
                .Where(o => o is not ("rw" or "ro") && !o.StartsWith("release_agent", StringComparison.Ordinal)
                            && o != "clone_children" && o != "noprefix" && o != "xattr" && o != "cpuset_v2_mode")
                .ToList();
            if (controllers.Count(claimed.Add) == 0) continue;
            list.Add(new CgroupHierarchy(mountPoint, false, controllers, root));
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
