using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>
/// /dev when the config does not bind the host's: the default devices (null, zero, full, random, urandom, tty,
/// mode 0666), linux.devices, and the usual symlinks. Inside a user namespace mknod is not allowed, so the host's
/// device nodes are bind-mounted instead.
/// </summary>
internal static class DevSetup
{
    internal static readonly (string Name, long Major, long Minor)[] Defaults =
        [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)];

    internal static readonly (string Name, string Target)[] Links =
        [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")];

    internal static bool NeedsSetup(IReadOnlyList<OciSpec.Mount> mounts) =>
        !mounts.Any(m => Normalize(m.Destination) == "/dev" && (m.Type == "bind" || MountOptionParser.Parse(m.Options).IsBind));

    private static string Normalize(string p) => "/" + p.Trim('/');

    internal static void Setup(RootfsDir root, IReadOnlyList<LinuxDevice>? devices, bool inUserNamespace)
    {
        int dev = root.MkdirAll("/dev", false);
        try
        {
            uint oldMask = (uint)Sys.Umask(0);
            try
            {
                foreach (var (name, major, minor) in Defaults)
                    if (devices?.Any(d => Normalize(d.Path) == "/dev/" + name) != true)
                        CreateDevice(root, "/dev/" + name, 'c', major, minor, 0x1b6, 0, 0, inUserNamespace);
                foreach (var d in devices ?? [])
                    CreateDevice(root, d.Path, d.Type.Length > 0 ? d.Type[0] : 'c', d.Major, d.Minor, d.FileMode ?? 0x1b6, d.UID ?? 0, d.GID ?? 0, inUserNamespace);
            }
            finally { Sys.Umask(oldMask); }

            string devPath = RootfsDir.ProcFd(dev);
            foreach (var (name, target) in Links) Sys.TrySymlink(target, devPath + "/" + name);
            if (File.Exists("/proc/kcore")) Sys.TrySymlink("/proc/kcore", devPath + "/core");
            // /dev/ptmx points into the container's devpts instance (mounted with newinstance,ptmxmode).
            long ptmx = root.Open("/dev/ptmx");
            if (ptmx >= 0) Sys.Close((int)ptmx);
            else Sys.TrySymlink("pts/ptmx", devPath + "/ptmx");
        }
        finally { Sys.Close(dev); }
    }

    private static void CreateDevice(RootfsDir root, string path, char type, long major, long minor, uint mode, uint uid, uint gid, bool bindFromHost)
    {
        uint kind = type switch
        {
            'c' or 'u' => Sys.S_IFCHR,
            'b' => Sys.S_IFBLK,
            'p' => Sys.S_IFIFO,
            _ => throw new RuntimeError($"linux.devices: {path}: unknown type '{type}'"),
        };
        string parentDir = Path.GetDirectoryName(path) ?? "/dev";
        int parent = root.MkdirAll(parentDir, false);
        try
        {
            string name = Path.GetFileName(path);
            string full = RootfsDir.ProcFd(parent) + "/" + name;
            if (bindFromHost)
            {
                long r = Sys.TryMknodAt(parent, name, Sys.S_IFREG | 0x1a4, 0);
                if (r < 0 && r != -Errno.EEXIST) Sys.Check(r, $"create {path}");
                int target = (int)Sys.Check(root.Open(path), $"open {path}");
                try { Sys.Mount(path, RootfsDir.ProcFd(target), "bind", Sys.MS_BIND, null); }
                finally { Sys.Close(target); }
                return;
            }
            long rc = Sys.TryMknodAt(parent, name, kind | (mode & 0xfff), kind == Sys.S_IFIFO ? 0 : Sys.MakeDev(major, minor));
            if (rc == -Errno.EEXIST)
            {
                // A node left in the image: replace it so the config decides type and numbers.
                unsafe
                {
                    fixed (byte* p = CString.Of(name)) Sys.Fast(Nr.unlinkat, parent, (long)p, 0);
                }
                rc = Sys.TryMknodAt(parent, name, kind | (mode & 0xfff), kind == Sys.S_IFIFO ? 0 : Sys.MakeDev(major, minor));
            }
            Sys.Check(rc, $"mknod {path}");
            Sys.Check(Sys.TryChown(full, uid, gid), $"chown {path}");
        }
        finally { Sys.Close(parent); }
    }
}
