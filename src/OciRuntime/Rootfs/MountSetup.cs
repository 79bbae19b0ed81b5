using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>
/// mounts[] in config order. Each destination is resolved once inside the rootfs (RootfsDir), checked against the
/// /proc rules on where that fd really lies, and mounted onto the fd. A bind, and any mount that a later step
/// (bind flags, recursive attributes, propagation, tmpcopyup) must reach again, is made detached and attached with
/// move_mount (FdMount): those steps then use the mount's own fd, never the destination path.
/// </summary>
internal static class MountSetup
{
    internal static void MountAll(RootfsDir root, IReadOnlyList<Mount> mounts, string bundle, CgroupMountContext cgroups,
        string? mountLabel = null, IReadOnlyList<int>? idmapFds = null)
    {
        try { MountEach(root, mounts, bundle, cgroups, SeLinux.Enabled ? mountLabel : null, idmapFds ?? []); }
        finally { foreach (var fd in idmapFds ?? []) Sys.Close(fd); }
    }

    private static void MountEach(RootfsDir root, IReadOnlyList<Mount> mounts, string bundle, CgroupMountContext cgroups, string? label, IReadOnlyList<int> idmapFds)
    {
        for (int i = 0; i < mounts.Count; i++)
        {
            var m = mounts[i];
            try
            {
                MountOne(root, m, bundle, cgroups, label, i < idmapFds.Count ? idmapFds[i] : -1);
            }
            catch (DestinationRefused e)
            {
                throw new RuntimeError($"mounts[{i}].destination \"{m.Destination}\": {e.Message}");
            }
            catch (Exception e) when (e is SyscallException or RuntimeError or IOException)
            {
                throw new RuntimeError($"mounts[{i}] ({m.Destination}): {e.Message}");
            }
        }
    }

    private static void MountOne(RootfsDir root, Mount m, string bundle, CgroupMountContext cgroups, string? label, int detached)
    {
        var opts = MountOptionParser.Parse(m.Options);
        string type = m.Type ?? "";
        if (type == "cgroup" || type == "cgroup2")
        {
            CgroupMount.Mount(root, m, opts, cgroups);
            return;
        }
        if (opts.IsBind || type == "bind")
        {
            BindMount(root, m, opts, bundle, detached);
            return;
        }
        if (opts.IdMap || opts.RecursiveIdMap || m.UidMappings is { Count: > 0 })
            throw new RuntimeError($"idmapped mounts are only supported for bind mounts, not type {type}");
        bool keepDirMode = type == "tmpfs" && (opts.Flags & Sys.MS_REMOUNT) == 0 && !HasMode(opts.Data) && Exists(root, m.Destination);
        // proc and sysfs go where the destination says, through directories only; anything else is resolved once
        // inside the rootfs, symlinks followed there.
        int target = type is "proc" or "sysfs" ? root.MkdirOrdinary(m.Destination, type) : root.MkdirAll(m.Destination, asFile: false);
        int tree = -1;
        try
        {
            CheckProc(root, target, type, isBind: false, null);
            ulong flags = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC);
            string? data = WithLabel(type, opts.Data, label);
            if (keepDirMode) data = WithModeOf(target, data);
            bool needsFd = opts.RecursiveSet != 0 || opts.RecursiveClear != 0 || opts.Propagation.Count > 0;
            int mounted;
            if ((flags & Sys.MS_REMOUNT) != 0)
            {
                // "remount": change the flags of what is already mounted there (runc passes it straight to mount(2)).
                // The fd resolved through that mount, so it is its root.
                Sys.Mount(null, RootfsDir.ProcFd(target), null, flags, data);
                mounted = target;
            }
            else if (opts.TmpCopyUp && type == "tmpfs")
            {
                mounted = tree = TmpCopyUp.Mount(target, m.Source ?? type, flags, data, m.Destination);
            }
            else if (needsFd)
            {
                // Later steps need the mount itself: make it detached and attach it, keeping its fd.
                tree = NewFilesystem(type, m.Source ?? type, flags, data, opts.Data);
                FdMount.Attach(tree, target, $"{type} on {m.Destination}");
                mounted = tree;
            }
            else
            {
                string dest = RootfsDir.ProcFd(target);
                try { Sys.Mount(m.Source ?? type, dest, type, flags, data); }
                catch (SyscallException) when (data != opts.Data && type == "mqueue")
                {
                    Sys.Mount(m.Source ?? type, dest, type, flags, opts.Data); // mqueue may not take a context
                }
                mounted = -1;
            }
            ApplyToMount(mounted, m.Destination, opts);
        }
        finally
        {
            Sys.Close(tree);
            Sys.Close(target);
        }
    }

    private static int NewFilesystem(string type, string source, ulong flags, string? data, string? unlabelled)
    {
        try { return FdMount.NewFilesystem(type, source, flags, data); }
        catch (SyscallException) when (data != unlabelled && type == "mqueue")
        {
            return FdMount.NewFilesystem(type, source, flags, unlabelled);
        }
    }

    /// <summary>runc's checkProcMount on where the destination fd really lies.</summary>
    private static void CheckProc(RootfsDir root, int target, string type, bool isBind, string? bindSource)
    {
        string at = root.PathInRoot(target);
        if (ProcMountRules.Refusal(at, type, isBind, () => bindSource is not null && IsProcRoot(bindSource)) is { } why)
            throw new DestinationRefused(why);
    }

    private static bool IsProcRoot(string source)
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, source, Sys.O_PATH);
        if (fd < 0) return false;
        try { return Sys.TryFsType((int)fd) == Sys.PROC_SUPER_MAGIC; }
        finally { Sys.Close((int)fd); }
    }

    private static bool Exists(RootfsDir root, string path)
    {
        long fd = root.Open(path);
        if (fd < 0) return false;
        Sys.Close((int)fd);
        return true;
    }

    private static bool HasMode(string? data) =>
        data is not null && data.Split(',').Any(o => o.StartsWith("mode=", StringComparison.Ordinal));

    /// <summary>
    /// A tmpfs without mode= over a directory the image has takes that directory's mode, as runc does (it chmods
    /// after the mount; a mode= option in the data works read-only too): one on the image's /root stays 0700, and
    /// `podman run --tmpfs /data` on a new directory keeps tmpfs's own 1777. An explicit mode= wins (runc would
    /// chmod it away; conformance TmpfsMount_ModeOption_SetsRootMode).
    /// </summary>
    private static string WithModeOf(int dirFd, string? data)
    {
        long mode = Sys.Check(Sys.TryFdMode(dirFd), "stat the directory under the tmpfs");
        string opt = "mode=0" + Convert.ToString(mode & 0xfff, 8);
        return string.IsNullOrEmpty(data) ? opt : data + "," + opt;
    }

    /// <summary>mountLabel as runc applies it: a context= option on the filesystems that take one (SELinux only).</summary>
    internal static string? WithLabel(string type, string? data, string? label)
    {
        if (string.IsNullOrEmpty(label) || type is "proc" or "sysfs" or "cgroup" or "cgroup2" or "overlay") return data;
        string ctx = $"context=\"{label}\"";
        return string.IsNullOrEmpty(data) ? ctx : data + "," + ctx;
    }

    /// <summary>What every mount takes after it is attached, through its own fd: recursive attributes, then propagation.</summary>
    private static void ApplyToMount(int mountFd, string destination, ParsedMountOptions opts)
    {
        if (opts.RecursiveSet != 0 || opts.RecursiveClear != 0) MountAttr.Set(mountFd, destination, opts.RecursiveSet, opts.RecursiveClear);
        if (opts.Propagation.Count > 0) FdMount.Propagate(mountFd, opts.Propagation);
    }

    private static void BindMount(RootfsDir root, Mount m, ParsedMountOptions opts, string bundle, int detached)
    {
        string source = m.Source ?? throw new RuntimeError("bind mount needs a source");
        if (!source.StartsWith('/')) source = Path.Join(bundle, source);
        bool sourceIsDir = Directory.Exists(source);
        if (!sourceIsDir && !File.Exists(source)) throw new RuntimeError($"source {source}: no such file or directory");
        int target = root.MkdirAll(m.Destination, asFile: !sourceIsDir);
        int tree = -1;
        try
        {
            CheckProc(root, target, "bind", isBind: true, source);
            bool recursive = opts.IsRecursiveBind || (opts.Flags & Sys.MS_REC) != 0;
            // The parent's idmapped tree (closed by MountAll) or one of ours: either way a detached mount, attached
            // onto the fd resolved above and from then on reached only through its own fd.
            int mount = detached >= 0 ? detached
                : (tree = opts.IdMap || opts.RecursiveIdMap || m.UidMappings is { Count: > 0 } ? IdMapped.Clone(source, m, opts) : FdMount.CloneTree(source, recursive));
            FdMount.Attach(mount, target, source);
            // MS_BIND ignores the other flags: they take a remount of the bind, keeping what the kernel locked.
            ulong extra = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT);
            if (extra != 0 || opts.Cleared != 0) FdMount.RemountBind(mount, extra, opts.Cleared);
            ApplyToMount(mount, m.Destination, opts);
        }
        finally
        {
            Sys.Close(tree);
            Sys.Close(target);
        }
    }
}
