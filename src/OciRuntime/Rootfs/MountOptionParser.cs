using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>mounts[].options parsed into what the kernel takes: flags to set and clear, propagation, recursive
/// attributes (mount_setattr), and the rest as filesystem data. The vocabulary is runc's (Interop/MountOptionTable.cs).</summary>
internal sealed record ParsedMountOptions(
    ulong Flags, ulong Cleared, IReadOnlyList<ulong> Propagation, ulong RecursiveSet, ulong RecursiveClear,
    string? Data, bool IdMap, bool RecursiveIdMap, bool TmpCopyUp)
{
    public bool IsBind => (Flags & Sys.MS_BIND) != 0;
    public bool IsRecursiveBind => (Flags & (Sys.MS_BIND | Sys.MS_REC)) == (Sys.MS_BIND | Sys.MS_REC);
}

internal static class MountOptionParser
{
    internal static ParsedMountOptions Parse(IEnumerable<string>? options)
    {
        ulong flags = 0, cleared = 0, rset = 0, rclear = 0;
        var prop = new List<ulong>();
        var data = new List<string>();
        bool idmap = false, ridmap = false, copyUp = false;
        foreach (var o in options ?? [])
        {
            if (!MountOptionTable.TryGet(o, out var opt)) { data.Add(o); continue; }
            switch (opt.Kind)
            {
                case MountOptionKind.Flag when opt.Clear: flags &= ~opt.Flags; cleared |= opt.Flags; break;
                case MountOptionKind.Flag: flags |= opt.Flags; cleared &= ~opt.Flags; break;
                case MountOptionKind.Propagation: prop.Add(opt.Flags); break;
                case MountOptionKind.RecursiveAttr:
                    // The atime options are one field: set one means clear the field first.
                    bool atime = opt.Flags == 0 || (opt.Flags & Sys.MOUNT_ATTR__ATIME) != 0;
                    if (opt.Clear) rclear |= atime ? Sys.MOUNT_ATTR__ATIME : opt.Flags;
                    else { rset |= opt.Flags; if (atime) rclear |= Sys.MOUNT_ATTR__ATIME; }
                    break;
                case MountOptionKind.Extension:
                    idmap |= o == "idmap"; ridmap |= o == "ridmap"; copyUp |= o == "tmpcopyup";
                    break;
            }
        }
        return new ParsedMountOptions(flags, cleared, prop, rset, rclear, data.Count == 0 ? null : string.Join(',', data), idmap, ridmap, copyUp);
    }
}
