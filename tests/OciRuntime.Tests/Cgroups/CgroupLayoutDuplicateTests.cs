using OciRuntime.Cgroups;

namespace OciRuntime.Tests.Cgroups;

/// <summary>A hierarchy mounted a second time (a container without a mount namespace has its cgroup mounts on the
/// host, under its rootfs; another runtime may leave such mounts behind) is the same hierarchy: the first mount,
/// the host's, is the one used, and nothing fails on the repeat.</summary>
public sealed class CgroupLayoutDuplicateTests
{
    [Fact]
    public void A_hierarchy_mounted_again_under_a_rootfs_is_ignored()
    {
        string[] lines =
        [
            "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
            "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
            "90 80 0:29 /ocirun/c1 /tmp/b/rootfs/sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct",
            "91 80 0:32 /ocirun/c1 /tmp/b/rootfs/sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
            "92 80 0:38 /ocirun/c1 /tmp/b/rootfs/sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw",
        ];
        var layout = CgroupLayout.Parse(lines);
        Assert.Equal(3, layout.Hierarchies.Count);
        Assert.Equal("/sys/fs/cgroup/memory", layout.V1For("memory")!.MountPoint);
        Assert.Equal("/sys/fs/cgroup/unified", layout.V2!.MountPoint);
        Assert.Equal("/", layout.V1For("cpu")!.Root);
    }
}
