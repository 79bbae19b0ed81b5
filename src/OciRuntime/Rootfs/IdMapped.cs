using OciRuntime.Interop;
using OciRuntime.Security;
using OciRuntime.Launch;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>
/// Id-mapped bind mounts (config.md mounts[].uidMappings/gidMappings and the idmap/ridmap options): the source is
/// cloned with open_tree, MOUNT_ATTR_IDMAP is set with a user namespace holding the mapping, and the detached
/// mount is attached onto the resolved destination fd with move_mount (Setup/MountEntryCompiler). The kernel only
/// allows it to a caller with CAP_SYS_ADMIN over the source's superblock (the host's user namespace for a disk
/// filesystem).
/// </summary>
internal static unsafe class IdMapped
{
    private const long SIGCHLD = 17, SIGKILL = 9;

    internal static bool Wanted(Mount m)
    {
        var o = MountOptionParser.Parse(m.Options);
        return o.IdMap || o.RecursiveIdMap || m.UidMappings is { Count: > 0 };
    }

    /// <summary>
    /// In the parent, before the clone: inside a user namespace the zone may not idmap a host filesystem, so the
    /// runtime (still in the host's user namespace) makes each idmapped mount now, detached, and the setup program
    /// only attaches it (move_mount is allowed to the owner of the container's mount namespace). Returns one fd per
    /// mounts[] entry (-1 where there is nothing to pass), or null when the program can do it all itself.
    /// </summary>
    internal static int[]? PrepareInParent(Spec spec, string bundle)
    {
        var mounts = spec.Mounts ?? [];
        if (SpecNamespaces.Find(spec, NamespaceKind.User) is not { } userNs || !mounts.Any(Wanted)) return null;
        var fds = Enumerable.Repeat(-1, mounts.Count).ToArray();
        try
        {
            for (int i = 0; i < mounts.Count; i++)
            {
                var m = mounts[i];
                if (!Wanted(m)) continue;
                var opts = MountOptionParser.Parse(m.Options);
                string source = m.Source ?? throw new RuntimeError($"mounts[{i}]: bind mount needs a source");
                if (!source.StartsWith('/')) source = Path.Join(bundle, source);
                using var userns = new OwnedFd(m.UidMappings is { Count: > 0 } ? MappedUserNamespace(m.UidMappings, m.GidMappings ?? m.UidMappings)
                    : spec.Linux?.UidMappings is { Count: > 0 } u ? MappedUserNamespace(u, spec.Linux.GidMappings ?? u)
                    : !string.IsNullOrEmpty(userNs.Path) ? (int)Sys.Check(Sys.TryOpenAt(Sys.AT_FDCWD, userNs.Path, Sys.O_RDONLY), $"open {userNs.Path}")
                    : throw new RuntimeError($"mounts[{i}]: idmap needs uidMappings/gidMappings"));
                try { fds[i] = Detached(source, opts, userns.Fd); }
                catch (Exception e) when (e is SyscallException or RuntimeError) { throw new RuntimeError($"mounts[{i}] ({m.Destination}): {e.Message}"); }
            }
            var done = fds;
            fds = null!;
            return done;
        }
        finally
        {
            if (fds is not null) foreach (var fd in fds) Sys.Close(fd);
        }
    }

    private static int Detached(string source, ParsedMountOptions opts, int userns)
    {
        bool recursive = opts.RecursiveIdMap || opts.IsRecursiveBind;
        using var tree = OwnedFd.Check(Sys.TryOpenTree(source, Sys.OPEN_TREE_CLONE | (recursive ? Sys.AT_RECURSIVE : 0)), $"open_tree {source}");
        long r = Sys.TryMountSetattrFd(tree.Fd, opts.RecursiveIdMap, Sys.MOUNT_ATTR_IDMAP, 0, 0, userns);
        if (r < 0) throw new RuntimeError($"idmapped mount of {source}: mount_setattr MOUNT_ATTR_IDMAP: {SyscallException.Describe((int)-r)}");
        return tree.Release();
    }

    /// <summary>A user namespace with the given maps, held by a child that only pauses; returns its fd.</summary>
    private static int MappedUserNamespace(IReadOnlyList<LinuxIDMapping> uids, IReadOnlyList<LinuxIDMapping> gids)
    {
        long pid = Spawn();
        Sys.Check(pid, "clone a user namespace for an idmapped mount");
        // The maps go through the verified procfs writer, like every /proc write (ProcHandle). Its first choice is a
        // fresh procfs of our own pid namespace: the /proc we see may belong to the host's.
        try
        {
            using var proc = ProcHandle.Open();
            proc.Write($"{pid}/uid_map", IdMapWriter.Format(uids), "mounts[].uidMappings");
            proc.Write($"{pid}/gid_map", IdMapWriter.Format(gids), "mounts[].gidMappings");
            // ns/user is a magic link, which the resolution beneath the handle refuses: open the verified ns
            // directory, then the one link in it.
            using var ns = OwnedFd.Check(proc.OpenBeneath($"{pid}/ns", Sys.O_PATH | Sys.O_DIRECTORY), "mounts[].uidMappings: open the mapping's ns directory");
            return Sys.CheckFd(Sys.TryOpenAt(ns.Fd, "user", Sys.O_RDONLY), "mounts[].uidMappings: open the mapping's user namespace");
        }
        finally
        {
            Sys.TryKill((int)pid, (int)SIGKILL);
            Sys.TryWait((int)pid, out _, 0);
        }
    }

    // The child is a copy of a multi-threaded process: it runs nothing but raw system calls (see ForkSafe.cs).
    private static long Spawn()
    {
        long pid = Sys.Fast(Nr.clone, (long)Sys.CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (pid != 0) return pid;
        for (;;) Sys.Fast(Nr.pause);
    }
}
