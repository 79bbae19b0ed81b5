using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// An idmapped bind without a user namespace of the container's: the zone, still in
/// the host's user namespace, clones a child into a new user namespace that only pauses, writes the mount's
/// mappings through the verified procfs, takes the namespace's fd, ends the child, and sets MOUNT_ATTR_IDMAP on
/// the detached tree with it. Allocation-free (ForkSafe.cs rules).
/// </summary>
internal static unsafe class IdMapRoutine
{
    internal const int Clone = 1, UidMap = 2, GidMap = 3, OpenNs = 4, SetAttr = 5;

    internal static string Words(string source, int errno, int detail) => detail switch
    {
        Clone => $"clone a user namespace for an idmapped mount: {SyscallException.Describe(errno)}",
        UidMap => $"mounts[].uidMappings: write the mapping: {SyscallException.Describe(errno)}",
        GidMap => $"mounts[].gidMappings: write the mapping: {SyscallException.Describe(errno)}",
        OpenNs => $"mounts[].uidMappings: open the mapping's user namespace: {SyscallException.Describe(errno)}",
        _ => $"idmapped mount of {source}: mount_setattr MOUNT_ATTR_IDMAP: {SyscallException.Describe(errno)}" +
             (errno == Errno.EPERM ? " (the kernel allows it only with CAP_SYS_ADMIN over the source filesystem, not from inside a user namespace)" : ""),
    };

    /// <summary>a0: procfs fd, a1: detached tree, a2: uid_map text, a3: gid_map text, a4: 1 for AT_RECURSIVE.</summary>
    internal static long Run(ZoneState* z, long procFd, long tree, byte* uidMap, byte* gidMap, long recursive)
    {
        const long SIGCHLD = 17, SIGKILL = 9, PR_SET_PDEATHSIG = 1;
        long pid = Sys.Fast(Nr.clone, (long)Sys.CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (pid == 0)
        {
            Sys.Fast(Nr.prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
            for (;;) Sys.Fast(Nr.pause);
        }
        if (pid < 0) { z->Detail = Clone; return pid; }
        long userns = -1;
        long r = WriteMap(z, procFd, pid, "uid_map"u8, uidMap);
        if (r < 0) z->Detail = UidMap;
        else
        {
            r = WriteMap(z, procFd, pid, "gid_map"u8, gidMap);
            if (r < 0) z->Detail = GidMap;
        }
        if (r >= 0)
        {
            // ns/user is a magic link, which the resolution beneath the procfs refuses: the verified ns directory,
            // then the one link in it.
            byte* path = stackalloc byte[64];
            int n = PidPath(path, 64, pid, "ns"u8);
            long ns = n < 0 ? -Errno.ENAMETOOLONG : CoreRoutines.OpenBeneath(z, procFd, path, Sys.O_PATH | Sys.O_DIRECTORY);
            if (ns >= 0)
            {
                byte* user = stackalloc byte[5] { (byte)'u', (byte)'s', (byte)'e', (byte)'r', 0 };
                userns = r = Sys.Fast(Nr.openat, ns, (long)user, Sys.O_RDONLY | Sys.O_CLOEXEC);
                Sys.Fast(Nr.close, ns);
            }
            else r = ns;
            if (r < 0) z->Detail = OpenNs;
        }
        Sys.Fast(Nr.kill, pid, SIGKILL);
        int status = 0;
        while (Sys.Fast(Nr.wait4, pid, (long)&status, Sys.__WALL, 0) == -Errno.EINTR) { }
        if (r < 0) return r;

        r = Sys.TryMountSetattrFd(tree, recursive != 0, Sys.MOUNT_ATTR_IDMAP, 0, 0, userns);
        Sys.Fast(Nr.close, userns);
        if (r < 0) { z->Detail = SetAttr; return r; }
        return 0;
    }

    /// <summary>"PID/name" into buf; its length or -1.</summary>
    private static int PidPath(byte* buf, int cap, long pid, ReadOnlySpan<byte> name)
    {
        int n = ZoneLib.AppendNumber(buf, 0, cap, pid);
        n = ZoneLib.AppendByte(buf, n, cap, (byte)'/');
        for (int i = 0; i < name.Length && n >= 0; i++) n = ZoneLib.AppendByte(buf, n, cap, name[i]);
        return n;
    }

    private static long WriteMap(ZoneState* z, long procFd, long pid, ReadOnlySpan<byte> file, byte* map)
    {
        byte* path = stackalloc byte[64];
        if (PidPath(path, 64, pid, file) < 0) return -Errno.ENAMETOOLONG;
        long fd = CoreRoutines.OpenBeneath(z, procFd, path, Sys.O_WRONLY);
        if (fd < 0) return fd;
        long len = ZoneLib.Strlen(map);
        long w = Sys.Fast(Nr.write, fd, (long)map, len);
        Sys.Fast(Nr.close, fd);
        return w < 0 ? w : w != len ? -Errno.EIO : 0;
    }
}
