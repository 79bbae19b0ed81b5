using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>What a cgroup mount needs to know about the host and the container.</summary>
internal sealed record CgroupMountContext(CgroupLayout Layout, Func<CgroupHierarchy, string> ContainerPathIn, bool OwnNamespace);

/// <summary>
/// A "cgroup" mount. On a v2 host: one cgroup2 mount. On v1 and hybrid hosts: a tmpfs holding one mount per
/// hierarchy, as runc lays it out. Inside a cgroup namespace each is a fresh cgroup mount rooted at the container's
/// cgroup; without one, the container's own directory of each hierarchy is bind-mounted.
/// </summary>
internal static class CgroupMount
{
    internal static void Mount(RootfsDir root, OciSpec.Mount m, ParsedMountOptions opts, CgroupMountContext ctx)
    {
        ulong flags = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT);
        ulong flagsRw = flags & ~Sys.MS_RDONLY;
        if (ctx.Layout.Mode == CgroupMode.Unified || m.Type == "cgroup2")
        {
            var v2 = ctx.Layout.V2 ?? throw new RuntimeError("no cgroup2 hierarchy on this host");
            MountHierarchy(root, m.Destination, v2, ctx, flags);
            return;
        }

        int tmp = root.MkdirAll(m.Destination, false);
        try { Sys.Mount("tmpfs", RootfsDir.ProcFd(tmp), "tmpfs", flagsRw, "mode=755"); }
        finally { Sys.Close(tmp); }

        foreach (var h in ctx.Layout.Hierarchies)
        {
            string name = Path.GetFileName(h.MountPoint);
            string dest = m.Destination.TrimEnd('/') + "/" + name;
            MountHierarchy(root, dest, h, ctx, flags);
            // Co-mounted controllers (cpu,cpuacct) get a symlink per controller, as on the host.
            if (h.Controllers.Count > 1)
                foreach (var c in h.Controllers.Where(c => c != name && !c.StartsWith("name=", StringComparison.Ordinal)))
                {
                    int dir = (int)Sys.Check(root.Open(m.Destination), "open cgroup tmpfs");
                    try { Sys.Symlink(name, RootfsDir.ProcFd(dir) + "/" + c); }
                    finally { Sys.Close(dir); }
                }
        }
        if ((flags & Sys.MS_RDONLY) != 0)
            MountSetup.OnMounted(root, m.Destination, md => Sys.Mount(null, md, null, Sys.MS_REMOUNT | Sys.MS_BIND | flags, null));
    }

    private static void MountHierarchy(RootfsDir root, string dest, CgroupHierarchy h, CgroupMountContext ctx, ulong flags)
    {
        int target = root.MkdirAll(dest, false);
        try
        {
            string t = RootfsDir.ProcFd(target);
            if (ctx.OwnNamespace)
            {
                string fsType = h.IsV2 ? "cgroup2" : "cgroup";
                string? data = h.IsV2 ? null : string.Join(',', h.Controllers);
                Sys.Mount(fsType, t, fsType, flags, data);
            }
            else
            {
                string source = Path.Join(h.MountPoint, ctx.ContainerPathIn(h));
                if (!Directory.Exists(source)) source = h.MountPoint;
                Sys.Mount(source, t, "bind", Sys.MS_BIND | Sys.MS_REC, null);
                MountSetup.OnMounted(root, dest, md => Sys.Mount(null, md, null, Sys.MS_BIND | Sys.MS_REMOUNT | flags | Sys.MountFlagsOf(md), null));
            }
        }
        finally { Sys.Close(target); }
    }
}
