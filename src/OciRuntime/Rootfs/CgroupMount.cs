using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>What a cgroup mount needs to know about the host and the container.</summary>
internal sealed record CgroupMountContext(CgroupLayout Layout, Func<CgroupHierarchy, string> ContainerPathIn, bool OwnNamespace);

/// <summary>
/// A "cgroup" mount. On a v2 host: one cgroup2 mount. On v1 and hybrid hosts: a tmpfs holding one mount per
/// hierarchy, as runc lays it out. Inside a cgroup namespace each is a fresh cgroup mount rooted at the container's
/// cgroup; without one, the container's own directory of each hierarchy is bind-mounted. A hierarchy where the
/// container has no cgroup of its own (rootless without delegation) gets an empty read-only tmpfs either way: the
/// host's hierarchy is never shown. Every mount is attached by fd, and the tmpfs's read-only remount goes through its fd.
/// </summary>
internal static class CgroupMount
{
    internal static void Mount(RootfsDir root, OciSpec.Mount m, ParsedMountOptions opts, CgroupMountContext ctx)
    {
        ulong flags = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT);
        ulong flagsRw = flags & ~Sys.MS_RDONLY;
        int dest = root.MkdirAll(m.Destination, false);
        int tmpfs = -1;
        try
        {
            if (ProcMountRules.Refusal(root.PathInRoot(dest), m.Type ?? "cgroup", false, () => false) is { } why)
                throw new DestinationRefused(why);
            if (ctx.Layout.Mode == CgroupMode.Unified || m.Type == "cgroup2")
            {
                var v2 = ctx.Layout.V2 ?? throw new RuntimeError("no cgroup2 hierarchy on this host");
                MountHierarchy(dest, m.Destination, v2, ctx, flags);
                return;
            }

            tmpfs = FdMount.NewFilesystem("tmpfs", "tmpfs", flagsRw, "mode=755");
            FdMount.Attach(tmpfs, dest, $"tmpfs on {m.Destination}");
            // The tmpfs is ours alone (fresh, in our mount namespace): its directories are made through its fd.
            foreach (var h in ctx.Layout.Hierarchies)
            {
                string name = Path.GetFileName(h.MountPoint);
                long made = Sys.TryMkdirAt(tmpfs, name, 0x1ed);
                if (made < 0 && made != -Errno.EEXIST) Sys.Check(made, $"mkdir {m.Destination}/{name}");
                int sub = Sys.CheckFd(Sys.TryOpenAt(tmpfs, name, Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_NOFOLLOW), $"open {m.Destination}/{name}");
                try { MountHierarchy(sub, $"{m.Destination}/{name}", h, ctx, flags); }
                finally { Sys.Close(sub); }
                // Co-mounted controllers (cpu,cpuacct) get a symlink per controller, as on the host.
                if (h.Controllers.Count > 1)
                    foreach (var c in h.Controllers.Where(c => c != name && !c.StartsWith("name=", StringComparison.Ordinal)))
                        Sys.TrySymlinkAt(name, tmpfs, c);
            }
            if ((flags & Sys.MS_RDONLY) != 0)
                Sys.Mount(null, RootfsDir.ProcFd(tmpfs), null, Sys.MS_REMOUNT | Sys.MS_BIND | flags, null);
        }
        finally
        {
            Sys.Close(tmpfs);
            Sys.Close(dest);
        }
    }

    private static void MountHierarchy(int target, string dest, CgroupHierarchy h, CgroupMountContext ctx, ulong flags)
    {
        string own = ctx.ContainerPathIn(h);
        string source = Path.Join(h.MountPoint, own);
        if (own.Trim('/').Length == 0 || !Directory.Exists(source))
        {
            // No cgroup of its own here (rootless without delegation): a cgroup namespace would be rooted at the
            // caller's cgroup and a bind would show the host's hierarchy, so the destination is masked, as runc
            // masks it, with an empty read-only tmpfs.
            int mask = FdMount.NewFilesystem("tmpfs", "tmpfs", Sys.MS_RDONLY | Sys.MS_NOSUID | Sys.MS_NODEV | Sys.MS_NOEXEC, "mode=555");
            try { FdMount.Attach(mask, target, $"empty tmpfs masking {dest}"); }
            finally { Sys.Close(mask); }
            return;
        }
        if (ctx.OwnNamespace)
        {
            string fsType = h.IsV2 ? "cgroup2" : "cgroup";
            string? data = h.IsV2 ? null : string.Join(',', h.Controllers);
            Sys.Mount(fsType, RootfsDir.ProcFd(target), fsType, flags, data);
            return;
        }
        int tree = FdMount.CloneTree(source, recursive: true);
        try
        {
            FdMount.Attach(tree, target, $"{source} on {dest}");
            string at = RootfsDir.ProcFd(tree);
            Sys.Mount(null, at, null, Sys.MS_BIND | Sys.MS_REMOUNT | flags | Sys.MountFlagsOf(at), null);
        }
        finally { Sys.Close(tree); }
    }
}
