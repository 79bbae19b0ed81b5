using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>mounts[] in config order, each destination resolved inside the rootfs and mounted through its fd.</summary>
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
        int target = root.MkdirAll(m.Destination, asFile: false);
        try
        {
            ulong flags = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC);
            string dest = RootfsDir.ProcFd(target);
            string? data = WithLabel(type, opts.Data, label);
            if (keepDirMode) data = WithModeOf(target, data);
            if ((flags & Sys.MS_REMOUNT) != 0)
            {
                // "remount": change the flags of what is already mounted there (runc passes it straight to mount(2)).
                OnMounted(root, m.Destination, md => Sys.Mount(null, md, null, flags, data));
            }
            else if (opts.TmpCopyUp && type == "tmpfs")
            {
                TmpCopyUp.Mount(root, m.Destination, target, m.Source ?? type, flags, data);
            }
            else
            {
                try { Sys.Mount(m.Source ?? type, dest, type, flags, data); }
                catch (SyscallException) when (data != opts.Data && type == "mqueue")
                {
                    Sys.Mount(m.Source ?? type, dest, type, flags, opts.Data); // mqueue may not take a context
                }
            }
            if (opts.RecursiveSet != 0 || opts.RecursiveClear != 0) MountAttr.Set(root, m.Destination, opts.RecursiveSet, opts.RecursiveClear);
            if (opts.Propagation.Count > 0) OnMounted(root, m.Destination, md => ApplyPropagation(md, opts));
        }
        finally { Sys.Close(target); }
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
        long mode = Sys.Check(Sys.FdMode(dirFd), "stat the directory under the tmpfs");
        string opt = "mode=0" + Convert.ToString(mode & 0xfff, 8);
        return string.IsNullOrEmpty(data) ? opt : data + "," + opt;
    }

    /// <summary>mountLabel as runc applies it: a context= option on the filesystems that take one (SELinux only).</summary>
    private static string? WithLabel(string type, string? data, string? label)
    {
        if (string.IsNullOrEmpty(label) || type is "proc" or "sysfs" or "cgroup" or "cgroup2" or "overlay") return data;
        string ctx = $"context=\"{label}\"";
        return string.IsNullOrEmpty(data) ? ctx : data + "," + ctx;
    }

    private static void BindMount(RootfsDir root, Mount m, ParsedMountOptions opts, string bundle, int detached)
    {
        string source = m.Source ?? throw new RuntimeError("bind mount needs a source");
        if (!source.StartsWith('/')) source = Path.Join(bundle, source);
        bool sourceIsDir = Directory.Exists(source);
        if (!sourceIsDir && !File.Exists(source)) throw new RuntimeError($"source {source}: no such file or directory");
        int target = root.MkdirAll(m.Destination, asFile: !sourceIsDir);
        try
        {
            string dest = RootfsDir.ProcFd(target);
            ulong bindFlags = Sys.MS_BIND | (opts.IsRecursiveBind || (opts.Flags & Sys.MS_REC) != 0 ? Sys.MS_REC : 0);
            if (detached >= 0) IdMapped.Attach(detached, target, source);
            else if (opts.IdMap || opts.RecursiveIdMap || m.UidMappings is { Count: > 0 }) IdMapped.Bind(source, target, m, opts);
            else Sys.Mount(source, dest, "bind", bindFlags, null);
            // MS_BIND ignores the other flags: they take a remount of the bind, keeping what the kernel locked.
            ulong extra = opts.Flags & ~(Sys.MS_BIND | Sys.MS_REC | Sys.MS_REMOUNT);
            if (extra != 0 || opts.Cleared != 0)
            {
                OnMounted(root, m.Destination, md =>
                {
                    ulong keep = Sys.MountFlagsOf(md) & ~opts.Cleared;
                    Sys.Mount(null, md, null, Sys.MS_BIND | Sys.MS_REMOUNT | keep | extra, null);
                });
            }
            if (opts.RecursiveSet != 0 || opts.RecursiveClear != 0) MountAttr.Set(root, m.Destination, opts.RecursiveSet, opts.RecursiveClear);
            if (opts.Propagation.Count > 0) OnMounted(root, m.Destination, md => ApplyPropagation(md, opts));
        }
        finally { Sys.Close(target); }
    }

    /// <summary>Runs <paramref name="action"/> on the mount now at <paramref name="destination"/>: the fd we mounted
    /// onto refers to what lies underneath, so the destination is resolved again (still inside the root).</summary>
    internal static void OnMounted(RootfsDir root, string destination, Action<string> action)
    {
        int fd = (int)Sys.Check(root.Open(destination), $"reopen {destination}");
        try { action(RootfsDir.ProcFd(fd)); }
        finally { Sys.Close(fd); }
    }

    private static void ApplyPropagation(string dest, ParsedMountOptions opts)
    {
        foreach (var p in opts.Propagation) Sys.Mount(null, dest, null, p, null);
    }
}
