using OciRuntime.Cgroups;
using OciRuntime.Interop;

namespace OciRuntime.Tests.Cgroups;

/// <summary>The layout from /sys/fs/cgroup by statmount must be the one the mount table gives, and every layout it
/// cannot vouch for must send the caller to the table.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CgroupLayoutFromSysFsTests
{
    private static bool NoFastPath(out string why)
    {
        why = "statmount with STATMOUNT_MNT_OPTS needs Linux 6.11 (" + Environment.OSVersion.Version + ")";
        return Environment.OSVersion.Version < new Version(6, 11);
    }

    [SkippableFact]
    public void Equals_the_mount_table_field_by_field_on_this_host()
    {
        Skip.If(NoFastPath(out var why), why);
        var fast = CgroupLayoutFromSysFs.TryDetect();
        var table = CgroupLayout.FromMountTable();
        Assert.NotNull(fast);
        Assert.Equal(table.Mode, fast.Mode);
        Assert.Equal(table.Hierarchies.Count, fast.Hierarchies.Count);
        Assert.NotEmpty(fast.Hierarchies);
        for (int i = 0; i < table.Hierarchies.Count; i++)
        {
            var (t, f) = (table.Hierarchies[i], fast.Hierarchies[i]);
            Assert.Equal(t.MountPoint, f.MountPoint);
            Assert.Equal(t.Root, f.Root);
            Assert.Equal(t.IsV2, f.IsV2);
            Assert.Equal(t.Controllers, f.Controllers);
        }
        Assert.Equal(table, CgroupLayout.Detect(), LayoutComparer.Instance);
    }

    [SkippableFact]
    public void A_copy_of_the_layout_elsewhere_is_read_and_anything_odd_falls_back()
    {
        Skip.If(NoFastPath(out var why), why);
        var host = CgroupLayout.FromMountTable();
        var v1 = host.Hierarchies.FirstOrDefault(h => !h.IsV2 && h.Controllers.SequenceEqual(["pids"]));
        Skip.If(v1 is null || host.V2 is null, "needs a hybrid host with a pids v1 hierarchy");

        var dir = Path.Combine(Path.GetTempPath(), "ocirun-test-layout-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var mounted = new Stack<string>();
        void Mount(string? src, string target, string? fs, ulong flags) { Sys.Mount(src, target, fs, flags, null); mounted.Push(target); }
        try
        {
            // Not a mount of its own: the table must decide.
            Assert.Null(CgroupLayoutFromSysFs.TryDetect(dir));

            // cgroup2 itself there: a unified layout.
            Mount(host.V2!.MountPoint, dir, null, Sys.MS_BIND);
            var unified = CgroupLayoutFromSysFs.TryDetect(dir);
            Assert.NotNull(unified);
            Assert.Equal(CgroupMode.Unified, unified.Mode);
            Assert.Equal([(dir, true, "/")], unified.Hierarchies.Select(h => (h.MountPoint, h.IsV2, h.Root)));
            Sys.TryUmount(mounted.Pop(), 0);
            // A subtree of it (a container's view): the root is the subtree's path, as mountinfo's root field says.
            string sub = Path.GetFileName(dir);
            Directory.CreateDirectory(Path.Combine(host.V2.MountPoint, sub));
            try
            {
                Mount(Path.Combine(host.V2.MountPoint, sub), dir, null, Sys.MS_BIND);
                Assert.Equal(host.V2.Root.TrimEnd('/') + "/" + sub, CgroupLayoutFromSysFs.TryDetect(dir)!.V2!.Root);
                Sys.TryUmount(mounted.Pop(), 0);
            }
            finally { Directory.Delete(Path.Combine(host.V2.MountPoint, sub)); }

            Mount("tmpfs", dir, "tmpfs", 0);
            Assert.Null(CgroupLayoutFromSysFs.TryDetect(dir)); // a tmpfs with no hierarchy on it
            foreach (var name in new[] { "pids", "unified" }) Directory.CreateDirectory(Path.Combine(dir, name));
            Mount(v1!.MountPoint, Path.Combine(dir, "pids"), null, Sys.MS_BIND);
            Mount(host.V2!.MountPoint, Path.Combine(dir, "unified"), null, Sys.MS_BIND);
            File.CreateSymbolicLink(Path.Combine(dir, "pids-alias"), "pids");

            var fast = CgroupLayoutFromSysFs.TryDetect(dir);
            Assert.NotNull(fast);
            Assert.Equal(CgroupMode.Hybrid, fast.Mode);
            Assert.Equal([(dir + "/pids", false, "pids", "/"), (dir + "/unified", true, "", "/")],
                fast.Hierarchies.Select(h => (h.MountPoint, h.IsV2, string.Join(',', h.Controllers), h.Root)));

            // A plain directory holds no mount (a dir left by an unmounted hierarchy): nothing to fall back for.
            Directory.CreateDirectory(Path.Combine(dir, "plain"));
            Assert.NotNull(CgroupLayoutFromSysFs.TryDetect(dir));
            // A mount that is not cgroup: whatever is below it is the table's to say.
            Mount("tmpfs", Path.Combine(dir, "plain"), "tmpfs", 0);
            Assert.Null(CgroupLayoutFromSysFs.TryDetect(dir));
            Sys.TryUmount(mounted.Pop(), 0);
            Assert.NotNull(CgroupLayoutFromSysFs.TryDetect(dir));

            // A mount over a hierarchy: the one underneath is what the table lists first.
            Mount(host.V2.MountPoint, Path.Combine(dir, "pids"), null, Sys.MS_BIND);
            Assert.Null(CgroupLayoutFromSysFs.TryDetect(dir));
            Sys.TryUmount(mounted.Pop(), 0);
            Assert.NotNull(CgroupLayoutFromSysFs.TryDetect(dir));

            // A tmpfs over the whole directory hides the hierarchies below it.
            Mount("tmpfs", dir, "tmpfs", 0);
            Assert.Null(CgroupLayoutFromSysFs.TryDetect(dir));
        }
        finally
        {
            while (mounted.Count > 0) Sys.TryUmount(mounted.Pop(), Sys.MNT_DETACH);
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class LayoutComparer : IEqualityComparer<CgroupLayout>
    {
        internal static readonly LayoutComparer Instance = new();
        public bool Equals(CgroupLayout? a, CgroupLayout? b) => a!.Mode == b!.Mode && a.Hierarchies.Count == b.Hierarchies.Count
            && a.Hierarchies.Zip(b.Hierarchies).All(p => p.First.MountPoint == p.Second.MountPoint && p.First.Root == p.Second.Root
                && p.First.IsV2 == p.Second.IsV2 && p.First.Controllers.SequenceEqual(p.Second.Controllers));
        public int GetHashCode(CgroupLayout l) => l.Hierarchies.Count;
    }
}
