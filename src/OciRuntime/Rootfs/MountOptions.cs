using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>mounts[].options parsed into what the kernel takes: flags to set and clear, propagation, recursive
/// attributes (mount_setattr), and the rest as filesystem data, in runc's vocabulary.</summary>
internal sealed record ParsedMountOptions(
    ulong Flags, ulong Cleared, IReadOnlyList<ulong> Propagation, ulong RecursiveSet, ulong RecursiveClear,
    string? Data, bool IdMap, bool RecursiveIdMap, bool TmpCopyUp)
{
    public bool IsBind => (Flags & Sys.MS_BIND) != 0;
    public bool IsRecursiveBind => (Flags & (Sys.MS_BIND | Sys.MS_REC)) == (Sys.MS_BIND | Sys.MS_REC);
}

internal static class MountOptions
{
    // mount_setattr attribute bits (linux/mount.h).
    internal const ulong MOUNT_ATTR_RDONLY = 1, MOUNT_ATTR_NOSUID = 2, MOUNT_ATTR_NODEV = 4, MOUNT_ATTR_NOEXEC = 8,
        MOUNT_ATTR__ATIME = 0x70, MOUNT_ATTR_RELATIME = 0, MOUNT_ATTR_NOATIME = 0x10, MOUNT_ATTR_STRICTATIME = 0x20,
        MOUNT_ATTR_NODIRATIME = 0x80, MOUNT_ATTR_IDMAP = 0x100000, MOUNT_ATTR_NOSYMFOLLOW = 0x200000;

    private static readonly Dictionary<string, (bool clear, ulong flag)> Flags = new()
    {
        ["ro"] = (false, Sys.MS_RDONLY), ["rw"] = (true, Sys.MS_RDONLY),
        ["nosuid"] = (false, Sys.MS_NOSUID), ["suid"] = (true, Sys.MS_NOSUID),
        ["nodev"] = (false, Sys.MS_NODEV), ["dev"] = (true, Sys.MS_NODEV),
        ["noexec"] = (false, Sys.MS_NOEXEC), ["exec"] = (true, Sys.MS_NOEXEC),
        ["sync"] = (false, Sys.MS_SYNCHRONOUS), ["async"] = (true, Sys.MS_SYNCHRONOUS),
        ["dirsync"] = (false, Sys.MS_DIRSYNC), ["remount"] = (false, Sys.MS_REMOUNT),
        ["mand"] = (false, Sys.MS_MANDLOCK), ["nomand"] = (true, Sys.MS_MANDLOCK),
        ["noatime"] = (false, Sys.MS_NOATIME), ["atime"] = (true, Sys.MS_NOATIME),
        ["nodiratime"] = (false, Sys.MS_NODIRATIME), ["diratime"] = (true, Sys.MS_NODIRATIME),
        ["relatime"] = (false, Sys.MS_RELATIME), ["norelatime"] = (true, Sys.MS_RELATIME),
        ["strictatime"] = (false, Sys.MS_STRICTATIME), ["nostrictatime"] = (true, Sys.MS_STRICTATIME),
        ["lazytime"] = (false, Sys.MS_LAZYTIME), ["nolazytime"] = (true, Sys.MS_LAZYTIME),
        ["nosymfollow"] = (false, Sys.MS_NOSYMFOLLOW), ["symfollow"] = (true, Sys.MS_NOSYMFOLLOW),
        ["bind"] = (false, Sys.MS_BIND), ["rbind"] = (false, Sys.MS_BIND | Sys.MS_REC),
        ["silent"] = (false, Sys.MS_SILENT), ["loud"] = (true, Sys.MS_SILENT),
    };

    internal static readonly IReadOnlyDictionary<string, ulong> PropagationFlags = new Dictionary<string, ulong>
    {
        ["private"] = Sys.MS_PRIVATE, ["rprivate"] = Sys.MS_PRIVATE | Sys.MS_REC,
        ["shared"] = Sys.MS_SHARED, ["rshared"] = Sys.MS_SHARED | Sys.MS_REC,
        ["slave"] = Sys.MS_SLAVE, ["rslave"] = Sys.MS_SLAVE | Sys.MS_REC,
        ["unbindable"] = Sys.MS_UNBINDABLE, ["runbindable"] = Sys.MS_UNBINDABLE | Sys.MS_REC,
    };

    private static readonly Dictionary<string, (bool clear, ulong attr)> Recursive = new()
    {
        ["rro"] = (false, MOUNT_ATTR_RDONLY), ["rrw"] = (true, MOUNT_ATTR_RDONLY),
        ["rnosuid"] = (false, MOUNT_ATTR_NOSUID), ["rsuid"] = (true, MOUNT_ATTR_NOSUID),
        ["rnodev"] = (false, MOUNT_ATTR_NODEV), ["rdev"] = (true, MOUNT_ATTR_NODEV),
        ["rnoexec"] = (false, MOUNT_ATTR_NOEXEC), ["rexec"] = (true, MOUNT_ATTR_NOEXEC),
        ["rnodiratime"] = (false, MOUNT_ATTR_NODIRATIME), ["rdiratime"] = (true, MOUNT_ATTR_NODIRATIME),
        ["rrelatime"] = (false, MOUNT_ATTR_RELATIME), ["rnorelatime"] = (true, MOUNT_ATTR_RELATIME),
        ["rnoatime"] = (false, MOUNT_ATTR_NOATIME), ["ratime"] = (true, MOUNT_ATTR_NOATIME),
        ["rstrictatime"] = (false, MOUNT_ATTR_STRICTATIME), ["rnostrictatime"] = (true, MOUNT_ATTR_STRICTATIME),
        ["rnosymfollow"] = (false, MOUNT_ATTR_NOSYMFOLLOW), ["rsymfollow"] = (true, MOUNT_ATTR_NOSYMFOLLOW),
    };

    /// <summary>Every option name ocirun understands (for `features`).</summary>
    internal static IEnumerable<string> Known =>
        Flags.Keys.Concat(PropagationFlags.Keys).Concat(Recursive.Keys).Concat(["idmap", "ridmap", "tmpcopyup"]).Order(StringComparer.Ordinal);

    internal static ParsedMountOptions Parse(IEnumerable<string>? options)
    {
        ulong flags = 0, cleared = 0, rset = 0, rclear = 0;
        var prop = new List<ulong>();
        var data = new List<string>();
        bool idmap = false, ridmap = false, copyUp = false;
        foreach (var o in options ?? [])
        {
            if (Flags.TryGetValue(o, out var f))
            {
                if (f.clear) { flags &= ~f.flag; cleared |= f.flag; }
                else { flags |= f.flag; cleared &= ~f.flag; }
            }
            else if (PropagationFlags.TryGetValue(o, out var p)) prop.Add(p);
            else if (Recursive.TryGetValue(o, out var r))
            {
                if (r.clear) rclear |= r.attr == 0 ? MOUNT_ATTR__ATIME : r.attr;
                else { rset |= r.attr; if ((r.attr & MOUNT_ATTR__ATIME) != 0 || r.attr == 0) rclear |= MOUNT_ATTR__ATIME; }
            }
            else if (o == "idmap") idmap = true;
            else if (o == "ridmap") ridmap = true;
            else if (o == "tmpcopyup") copyUp = true;
            else data.Add(o);
        }
        return new ParsedMountOptions(flags, cleared, prop, rset, rclear, data.Count == 0 ? null : string.Join(',', data), idmap, ridmap, copyUp);
    }
}
