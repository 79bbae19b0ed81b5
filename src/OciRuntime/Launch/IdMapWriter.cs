using System.Text;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>
/// Writes a child's uid_map and gid_map from the parent. As root the parent writes them itself (several ranges,
/// setgroups left "allow"). Unprivileged, the kernel lets it map only its own id, and a gid map only after
/// setgroups is denied; any other mapping goes through the setuid helpers newuidmap/newgidmap (Debian's
/// "uidmap"), which check /etc/subuid and /etc/subgid and leave setgroups alone.
/// </summary>
internal static class IdMapWriter
{
    internal static void Write(int pid, IReadOnlyList<LinuxIDMapping>? uids, IReadOnlyList<LinuxIDMapping>? gids) =>
        Write(pid, uids, gids, Sys.GetEuid(), (uint)Sys.Fast(Nr.getegid));

    internal static void Write(int pid, IReadOnlyList<LinuxIDMapping>? uids, IReadOnlyList<LinuxIDMapping>? gids, uint euid, uint egid)
    {
        bool root = euid == 0;
        bool writeUids = uids is { Count: > 0 } && (root || IsOwnIdOnly(uids, euid));
        bool writeGids = gids is { Count: > 0 } && (root || IsOwnIdOnly(gids, egid));
        // The maps are opened beneath a verified procfs root, without following symlinks or crossing mounts, like
        // every other /proc write (ProcHandle); the host's own /proc is enough here, in the host's namespaces.
        using var proc = writeUids || writeGids ? ProcHandle.OpenPlain() : null;
        if (uids is { Count: > 0 })
        {
            if (writeUids) proc!.Write($"{pid}/uid_map", Format(uids), "linux.uidMappings");
            else RunHelper("newuidmap", pid, uids, "linux.uidMappings");
        }
        if (gids is { Count: > 0 })
        {
            if (root) proc!.Write($"{pid}/gid_map", Format(gids), "linux.gidMappings");
            else if (writeGids)
            {
                // The kernel's rule for an unprivileged writer: no setgroups in the namespace, ever.
                proc!.Write($"{pid}/setgroups", "deny", "linux.gidMappings");
                proc.Write($"{pid}/gid_map", Format(gids), "linux.gidMappings");
            }
            else RunHelper("newgidmap", pid, gids, "linux.gidMappings");
        }
    }

    /// <summary>True when the map is one range of size 1 onto <paramref name="id"/>: what an unprivileged process may write.</summary>
    internal static bool IsOwnIdOnly(IReadOnlyList<LinuxIDMapping> maps, uint id) =>
        maps.Count == 1 && maps[0].Size == 1 && maps[0].HostID == id;

    internal static bool NeedsHelper(IReadOnlyList<LinuxIDMapping>? maps, uint euid, uint id) =>
        euid != 0 && maps is { Count: > 0 } && !IsOwnIdOnly(maps, id);

    internal static string Format(IReadOnlyList<LinuxIDMapping> maps)
    {
        var sb = new StringBuilder();
        foreach (var m in maps) sb.Append(m.ContainerID).Append(' ').Append(m.HostID).Append(' ').Append(m.Size).Append('\n');
        return sb.ToString();
    }

    internal static List<string> HelperArgs(string helper, int pid, IReadOnlyList<LinuxIDMapping> maps)
    {
        var args = new List<string> { helper, pid.ToString() };
        foreach (var m in maps) { args.Add(m.ContainerID.ToString()); args.Add(m.HostID.ToString()); args.Add(m.Size.ToString()); }
        return args;
    }

    internal static string? FindHelper(string name)
    {
        foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/bin").Append("/bin"))
        {
            if (dir.Length == 0) continue;
            string p = Path.Join(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static void RunHelper(string helper, int pid, IReadOnlyList<LinuxIDMapping> maps, string field)
    {
        string what = Format(maps).TrimEnd().Replace('\n', ',');
        string path = FindHelper(helper) ?? throw new RuntimeError(
            $"{field}: mapping {what} as an unprivileged user needs {helper} (Debian package \"uidmap\"), which is not installed");
        var (pr, pw) = Sys.Pipe();
        var output = new MemoryStream();
        int child;
        using (var r = new OwnedFd(pr))
        {
            using (var w = new OwnedFd(pw))
            using (var devnull = new OwnedFd(Sys.Open("/dev/null", Sys.O_RDONLY | Sys.O_CLOEXEC)))
                child = Sys.Spawn(path, HelperArgs(helper, pid, maps), ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"], devnull.Fd, w.Fd, w.Fd);
            Span<byte> buf = stackalloc byte[512];
            while (true)
            {
                long n = Sys.TryRead(r.Fd, buf);
                if (n <= 0) break;
                if (output.Length < 4096) output.Write(buf[..(int)n]);
            }
        }
        Sys.TryWait(child, out int status, 0);
        if (status != 0)
        {
            string msg = Encoding.UTF8.GetString(output.ToArray()).Trim().Replace('\n', ' ');
            throw new RuntimeError($"{field}: {helper} {pid} {string.Join(' ', HelperArgs(helper, pid, maps).Skip(2))} failed (exit status {(status >> 8) & 0xff}): {msg} (the ranges must be granted to this user in /etc/sub{(helper == "newuidmap" ? "uid" : "gid")})");
        }
    }
}
