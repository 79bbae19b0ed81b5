using OciRuntime.Interop;
using OciRuntime.Rootfs;
using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Compiles the path family's part of the setup program (see SetupCompiler for the order): /dev before pivot_root,
/// under one /dev fd resolved inside the root; readonlyPaths and maskedPaths after it, relative to the container's
/// "/". What the parent can decide (which devices, which links, host /proc/kcore, the words of every failure) is
/// decided here; what depends on the container's tree (is it there, a directory or a file, what /dev/null is) runs
/// as a routine of <see cref="PathRoutines"/>. The default devices and links are Rootfs/DevSetup.cs's; semantics
/// and error words are those the managed /dev and mask steps had before the setup program replaced them.
/// </summary>
internal static class PathCompiler
{
    private const uint DirMode = 0b111_101_101, DefaultDeviceMode = 0b110_110_110;
    private const long MoveEmpty = Sys.MOVE_MOUNT_F_EMPTY_PATH | Sys.MOVE_MOUNT_T_EMPTY_PATH;

    /// <summary>A device to make, from the defaults or linux.devices[i] (<paramref name="Field"/> names it).</summary>
    private sealed record DeviceNode(string Field, string Path, uint Kind, uint Mode, ulong Dev, uint Uid, uint Gid);

    internal static void Dev(SetupContext c)
    {
        if (!DevSetup.NeedsSetup(c.Spec.Mounts ?? [])) return;
        if (c.RootSlot < 0) throw new NotCompiled("path: Dev without the root fd of the mount family");
        var p = c.P;
        int dev = p.Slot("dev");
        Resolve(c, "", "/dev", asFile: false).Into(dev);

        // Modes are the config's exactly: the umask is 0 while the nodes and their directories are made.
        int umask = p.Slot("umask");
        p.Syscall("", "umask", Nr.umask, 0).Into(umask);
        int replaced = p.Slot("mknod-exists");
        foreach (var node in Nodes(c.Linux.Devices))
        {
            string dir = System.IO.Path.GetDirectoryName(node.Path) ?? "/dev", name = System.IO.Path.GetFileName(node.Path);
            if (c.UserNs)
            {
                BindFromHost(c, node);
                continue;
            }
            int parent = dev;
            if (Normalize(dir) != "/dev")
            {
                parent = p.Slot("device-dir");
                Resolve(c, node.Field, dir, asFile: false).Into(parent);
            }
            MakeNode(c, node, parent, name, replaced);
            if (parent != dev) p.Syscall(node.Field, "close", Nr.close, Arg.Slot(parent));
        }
        p.Syscall("", "umask", Nr.umask, Arg.Slot(umask));

        foreach (var (name, target) in DevSetup.Links) Symlink(c, dev, target, name);
        if (File.Exists("/proc/kcore")) Symlink(c, dev, "/proc/kcore", "core");
        // /dev/ptmx points into the container's devpts instance (mounted with newinstance,ptmxmode), unless the
        // image or a mount already put something there.
        int ptmx = p.Slot("ptmx-exists");
        p.Routine(MountRoutines.Exists, "", "look up /dev/ptmx", Arg.Slot(c.RootSlot), p.StrArg("dev/ptmx")).Into(ptmx);
        Symlink(c, dev, "pts/ptmx", "ptmx").Unless(ptmx);
        p.Syscall("", "close /dev", Nr.close, Arg.Slot(dev));
    }

    /// <summary>The default devices the config does not name, then the config's, in its order.</summary>
    private static IEnumerable<DeviceNode> Nodes(IReadOnlyList<LinuxDevice>? devices)
    {
        foreach (var (name, major, minor) in DevSetup.Defaults)
            if (devices?.Any(d => Normalize(d.Path) == "/dev/" + name) != true)
                yield return new DeviceNode("", "/dev/" + name, Sys.S_IFCHR, DefaultDeviceMode, Sys.MakeDev(major, minor), 0, 0);
        for (int i = 0; i < (devices?.Count ?? 0); i++)
        {
            var d = devices![i];
            char type = d.Type.Length > 0 ? d.Type[0] : 'c';
            uint kind = type switch
            {
                'c' or 'u' => Sys.S_IFCHR,
                'b' => Sys.S_IFBLK,
                'p' => Sys.S_IFIFO,
                _ => throw new RuntimeError($"linux.devices: {d.Path}: unknown type '{type}'"),
            };
            yield return new DeviceNode($"linux.devices[{i}]", d.Path, kind, (d.FileMode ?? DefaultDeviceMode) & 0xfff,
                kind == Sys.S_IFIFO ? 0 : Sys.MakeDev(d.Major, d.Minor), d.UID ?? 0, d.GID ?? 0);
        }
    }

    /// <summary>mknod, replacing a node the image left there (the config decides type and numbers), then the owner
    /// set on that name without following it.</summary>
    private static void MakeNode(SetupContext c, DeviceNode n, int parent, string name, int exists)
    {
        var p = c.P;
        var nameArg = p.StrArg(name);
        string mknod = $"mknod {n.Path}";
        p.Syscall(n.Field, mknod, Nr.mknodat, Arg.Slot(parent), nameArg, n.Kind | n.Mode, (long)n.Dev).Tolerate(Errno.EEXIST).Into(exists);
        p.Syscall(n.Field, $"replace {n.Path}", Nr.unlinkat, Arg.Slot(parent), nameArg, 0).When(exists);
        p.Syscall(n.Field, mknod, Nr.mknodat, Arg.Slot(parent), nameArg, n.Kind | n.Mode, (long)n.Dev).When(exists);
        p.Syscall(n.Field, $"chown {n.Path}", Nr.fchownat, Arg.Slot(parent), nameArg, n.Uid, n.Gid, Sys.AT_SYMLINK_NOFOLLOW);
    }

    /// <summary>Inside a user namespace mknod is not allowed: an empty file (made with its directories, resolved
    /// inside the root), then the host's node bound onto that fd (the host path is still the zone's view before
    /// pivot_root).</summary>
    private static void BindFromHost(SetupContext c, DeviceNode n)
    {
        var p = c.P;
        int target = p.Slot("device"), tree = p.Slot("host-device");
        Resolve(c, n.Field, n.Path, asFile: true).Into(target);
        string bind = $"bind {n.Path} from the host";
        p.Syscall(n.Field, bind, Nr.open_tree, Sys.AT_FDCWD, p.StrArg(n.Path), Sys.OPEN_TREE_CLONE | Sys.O_CLOEXEC).Into(tree);
        p.Syscall(n.Field, bind, Nr.move_mount, Arg.Slot(tree), p.StrArg(""), Arg.Slot(target), p.StrArg(""), MoveEmpty);
        p.Syscall(n.Field, "close", Nr.close, Arg.Slot(tree));
        p.Syscall(n.Field, "close", Nr.close, Arg.Slot(target));
    }

    /// <summary>The mount family's resolve-and-make routine: the path (a directory, or an empty file when
    /// <paramref name="asFile"/>) made where missing, resolved inside the root; an O_PATH fd of it.</summary>
    private static OpRef Resolve(SetupContext c, string field, string path, bool asFile) =>
        c.P.Routine(MountRoutines.Resolve, field, $"create {path} in rootfs", Arg.Slot(c.RootSlot), c.P.StrArg(Rel(path)), asFile ? 1 : 0, DirMode)
            .Words(MountRoutines.ResolveWords);

    /// <summary>A link the image already has is kept (as DevSetup's symlink, which ignored its failure).</summary>
    private static OpRef Symlink(SetupContext c, int dev, string target, string name) =>
        c.P.Syscall("", $"symlink /dev/{name}", Nr.symlinkat, c.P.StrArg(target), Arg.Slot(dev), c.P.StrArg(name)).Tolerate(Errno.EEXIST);

    internal static void ReadOnlyPaths(SetupContext c)
    {
        var paths = c.Linux.ReadonlyPaths;
        if (paths is not { Count: > 0 }) return;
        var p = c.P;
        int root = OpenContainerRoot(c);
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i];
            p.Routine(PathRoutines.ReadOnly, $"linux.readonlyPaths[{i}]", Quote(path), Arg.Slot(root), p.StrArg(Rel(path)))
                .Words(ReadOnlyWords);
        }
        p.Syscall("", "close /", Nr.close, Arg.Slot(root));
    }

    internal static void MaskedPaths(SetupContext c)
    {
        var paths = c.Linux.MaskedPaths;
        if (paths is not { Count: > 0 }) return;
        var p = c.P;
        int root = OpenContainerRoot(c);
        // Opened by the first mask of a file, kept for the others: a program made of directories needs no null device.
        int devNull = p.Slot("dev-null");
        for (int i = 0; i < paths.Count; i++)
        {
            string path = paths[i];
            p.Routine(PathRoutines.Mask, $"linux.maskedPaths[{i}]", Quote(path), Arg.Slot(root), p.StrArg(Rel(path)), devNull)
                .Words(MaskWords);
        }
        p.Syscall("", "close /dev/null", Nr.close, Arg.Slot(devNull)).Tolerate(Errno.EBADF);
        p.Syscall("", "close /", Nr.close, Arg.Slot(root));
    }

    /// <summary>After pivot_root: the container's "/", the root every destination is resolved in.</summary>
    private static int OpenContainerRoot(SetupContext c)
    {
        int root = c.P.Slot("container-root");
        c.P.Syscall("", "open /", Nr.openat, Sys.AT_FDCWD, c.P.StrArg("/"), Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC).Into(root);
        return root;
    }

    internal static string ReadOnlyWords(int errno, int detail) => (PathRoutines.ReadOnlyStep)detail switch
    {
        PathRoutines.ReadOnlyStep.Open => "open: " + Why(errno),
        PathRoutines.ReadOnlyStep.Clone => "clone the mount: " + Why(errno),
        PathRoutines.ReadOnlyStep.SetAttr => "make it read-only: " + Why(errno),
        PathRoutines.ReadOnlyStep.Move => "mount the read-only copy on it: " + Why(errno),
        _ => Why(errno),
    };

    internal static string MaskWords(int errno, int detail) => (PathRoutines.MaskStep)(detail & 0xf) switch
    {
        PathRoutines.MaskStep.Open => "open: " + Why(errno),
        PathRoutines.MaskStep.Stat => "stat: " + Why(errno),
        PathRoutines.MaskStep.Tmpfs => "mount a read-only tmpfs on it: " + Why(errno),
        PathRoutines.MaskStep.NullOpen => "cannot mask a file without the null device: /dev/null: " +
            (errno == Errno.ELOOP ? "it is a symlink" : Why(errno)),
        PathRoutines.MaskStep.NullStat => $"/dev/null is not the null device (char 1:3) but {Why(errno)}: refusing to mask with it",
        PathRoutines.MaskStep.NullWrong => $"/dev/null is not the null device (char 1:3) but {WhatNullIs((uint)detail)}: refusing to mask with it",
        PathRoutines.MaskStep.Bind => "bind /dev/null on it: " + Why(errno),
        _ => Why(errno),
    };

    /// <summary>The words of PathMasks for what /dev/null turned out to be, from the routine's packed detail.</summary>
    private static string WhatNullIs(uint detail)
    {
        uint type = ((detail >> 4) & 0xf) << 12, major = (detail >> 8) & 0xfff, minor = detail >> 20;
        return Rootfs.PathMasks.WhatFileIs(type, major, minor);
    }

    private static string Why(int errno) => SyscallException.Describe(errno);

    private static string Quote(string path) => "\"" + path + "\"";

    private static string Normalize(string p) => "/" + p.Trim('/');

    /// <summary>Paths are taken relative to the root they are resolved in, as the mount family's resolve routine and PathMasks do.</summary>
    private static string Rel(string path)
    {
        string rel = path.TrimStart('/');
        return rel.Length == 0 ? "." : rel;
    }
}
