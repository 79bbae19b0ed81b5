namespace OciRuntime.Interop;

/// <summary>How one recognised <c>mounts[].options</c> entry acts on a mount.</summary>
/// <param name="Flags">mount(2) MS_* bits (for <see cref="MountOptionKind.Flag"/>/<see cref="MountOptionKind.Propagation"/>)
/// or mount_setattr(2) MOUNT_ATTR_* bits (for <see cref="MountOptionKind.RecursiveAttr"/>).</param>
/// <param name="Clear">The option removes the bits instead of setting them ("rw" clears MS_RDONLY).</param>
internal readonly record struct MountOption(MountOptionKind Kind, ulong Flags, bool Clear);

internal enum MountOptionKind
{
    /// <summary>A mount(2) flag.</summary>
    Flag,
    /// <summary>A propagation change, applied with a separate mount(2) call after the mount.</summary>
    Propagation,
    /// <summary>A recursive attribute ("rro", "rnosuid", ...) applied with mount_setattr(AT_RECURSIVE).</summary>
    RecursiveAttr,
    /// <summary>A runtime extension with no kernel flag: tmpcopyup, idmap, ridmap.</summary>
    Extension,
}

/// <summary>The kernel's side of OciSpec's mount option and propagation names (runc's table): OciSpec knows
/// which names are valid, the bits come from Sys's constants. A unit test keeps the two name sets equal.</summary>
internal static class MountOptionTable
{
    /// <summary>rootfsPropagation and the propagation options.</summary>
    internal static IReadOnlyDictionary<string, ulong> Propagation { get; } = new Dictionary<string, ulong>(StringComparer.Ordinal)
    {
        ["shared"] = Sys.MS_SHARED,
        ["slave"] = Sys.MS_SLAVE,
        ["private"] = Sys.MS_PRIVATE,
        ["unbindable"] = Sys.MS_UNBINDABLE,
        ["rshared"] = Sys.MS_SHARED | Sys.MS_REC,
        ["rslave"] = Sys.MS_SLAVE | Sys.MS_REC,
        ["rprivate"] = Sys.MS_PRIVATE | Sys.MS_REC,
        ["runbindable"] = Sys.MS_UNBINDABLE | Sys.MS_REC,
    };

    internal static IReadOnlyDictionary<string, MountOption> All { get; } = BuildTable();

    internal static bool TryGet(string? option, out MountOption value)
    {
        value = default;
        return option is not null && All.TryGetValue(option, out value);
    }

    private static MountOption F(ulong flags, bool clear = false) => new(MountOptionKind.Flag, flags, clear);
    private static MountOption R(ulong attr, bool clear = false) => new(MountOptionKind.RecursiveAttr, attr, clear);

    private static Dictionary<string, MountOption> BuildTable()
    {
        var table = new Dictionary<string, MountOption>(StringComparer.Ordinal)
        {
            ["async"] = F(Sys.MS_SYNCHRONOUS, clear: true), ["atime"] = F(Sys.MS_NOATIME, clear: true),
            ["bind"] = F(Sys.MS_BIND), ["defaults"] = F(0), ["dev"] = F(Sys.MS_NODEV, clear: true),
            ["diratime"] = F(Sys.MS_NODIRATIME, clear: true), ["dirsync"] = F(Sys.MS_DIRSYNC),
            ["exec"] = F(Sys.MS_NOEXEC, clear: true), ["iversion"] = F(Sys.MS_I_VERSION), ["lazytime"] = F(Sys.MS_LAZYTIME),
            ["loud"] = F(Sys.MS_SILENT, clear: true), ["mand"] = F(Sys.MS_MANDLOCK), ["noatime"] = F(Sys.MS_NOATIME),
            ["nodev"] = F(Sys.MS_NODEV), ["nodiratime"] = F(Sys.MS_NODIRATIME), ["noexec"] = F(Sys.MS_NOEXEC),
            ["noiversion"] = F(Sys.MS_I_VERSION, clear: true), ["nolazytime"] = F(Sys.MS_LAZYTIME, clear: true),
            ["nomand"] = F(Sys.MS_MANDLOCK, clear: true), ["norelatime"] = F(Sys.MS_RELATIME, clear: true),
            ["nostrictatime"] = F(Sys.MS_STRICTATIME, clear: true), ["nosuid"] = F(Sys.MS_NOSUID),
            ["nosymfollow"] = F(Sys.MS_NOSYMFOLLOW), ["rbind"] = F(Sys.MS_BIND | Sys.MS_REC), ["relatime"] = F(Sys.MS_RELATIME),
            ["remount"] = F(Sys.MS_REMOUNT), ["ro"] = F(Sys.MS_RDONLY), ["rw"] = F(Sys.MS_RDONLY, clear: true),
            ["silent"] = F(Sys.MS_SILENT), ["strictatime"] = F(Sys.MS_STRICTATIME), ["suid"] = F(Sys.MS_NOSUID, clear: true),
            ["sync"] = F(Sys.MS_SYNCHRONOUS), ["symfollow"] = F(Sys.MS_NOSYMFOLLOW, clear: true),

            ["rro"] = R(Sys.MOUNT_ATTR_RDONLY), ["rrw"] = R(Sys.MOUNT_ATTR_RDONLY, clear: true),
            ["rnosuid"] = R(Sys.MOUNT_ATTR_NOSUID), ["rsuid"] = R(Sys.MOUNT_ATTR_NOSUID, clear: true),
            ["rnodev"] = R(Sys.MOUNT_ATTR_NODEV), ["rdev"] = R(Sys.MOUNT_ATTR_NODEV, clear: true),
            ["rnoexec"] = R(Sys.MOUNT_ATTR_NOEXEC), ["rexec"] = R(Sys.MOUNT_ATTR_NOEXEC, clear: true),
            ["rnodiratime"] = R(Sys.MOUNT_ATTR_NODIRATIME), ["rdiratime"] = R(Sys.MOUNT_ATTR_NODIRATIME, clear: true),
            // MOUNT_ATTR_RELATIME is 0: the atime options select a value of the MOUNT_ATTR__ATIME field (as runc's table).
            ["rrelatime"] = R(0), ["rnorelatime"] = R(0, clear: true), ["rnoatime"] = R(Sys.MOUNT_ATTR_NOATIME),
            ["ratime"] = R(Sys.MOUNT_ATTR_NOATIME, clear: true), ["rstrictatime"] = R(Sys.MOUNT_ATTR_STRICTATIME),
            ["rnostrictatime"] = R(Sys.MOUNT_ATTR_STRICTATIME, clear: true),
            ["rnosymfollow"] = R(Sys.MOUNT_ATTR_NOSYMFOLLOW), ["rsymfollow"] = R(Sys.MOUNT_ATTR_NOSYMFOLLOW, clear: true),
        };
        foreach (string name in OciSpec.MountOptions.Extensions)
            table[name] = new MountOption(MountOptionKind.Extension, 0, false);
        foreach ((string name, ulong flags) in Propagation)
            table[name] = new MountOption(MountOptionKind.Propagation, flags, false);
        return table;
    }
}
