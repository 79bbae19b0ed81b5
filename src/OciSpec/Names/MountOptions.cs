namespace OciSpec;

/// <summary>How one recognised <c>mounts[].options</c> entry acts on a mount.</summary>
/// <param name="Flags">mount(2) MS_* bits (for <see cref="MountOptionKind.Flag"/>/<see cref="MountOptionKind.Propagation"/>)
/// or mount_setattr(2) MOUNT_ATTR_* bits (for <see cref="MountOptionKind.RecursiveAttr"/>).</param>
/// <param name="Clear">The option removes the bits instead of setting them ("rw" clears MS_RDONLY).</param>
public readonly record struct MountOption(MountOptionKind Kind, ulong Flags, bool Clear);

public enum MountOptionKind
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

/// <summary>The filesystem-independent mount options runc understands (and that <c>features</c> lists).
/// Anything else in <c>options</c> is filesystem data ("mode=755", "size=64k") passed to mount(2) as is.</summary>
public static class MountOptions
{
    private const ulong MsRdonly = 1, MsNosuid = 2, MsNodev = 4, MsNoexec = 8, MsSynchronous = 16, MsRemount = 32,
        MsMandlock = 64, MsDirsync = 128, MsNosymfollow = 256, MsNoatime = 1024, MsNodiratime = 2048, MsBind = 4096,
        MsRec = 16384, MsSilent = 32768, MsRelatime = 1 << 21, MsIVersion = 1 << 23, MsStrictatime = 1 << 24,
        MsLazytime = 1 << 25;

    private const ulong AttrRdonly = 0x1, AttrNosuid = 0x2, AttrNodev = 0x4, AttrNoexec = 0x8, AttrNoatime = 0x10,
        AttrStrictatime = 0x20, AttrNodiratime = 0x80, AttrNosymfollow = 0x200000;

    /// <summary>MOUNT_ATTR__ATIME: the atime bits are one field, so changing one means clearing this mask first.</summary>
    public const ulong AttrAtimeMask = 0x70;

    private static MountOption F(ulong flags, bool clear = false) => new(MountOptionKind.Flag, flags, clear);
    private static MountOption R(ulong attr, bool clear = false) => new(MountOptionKind.RecursiveAttr, attr, clear);

    public static IReadOnlyDictionary<string, MountOption> All { get; } = BuildTable();

    public static bool TryGet(string? option, out MountOption value)
    {
        value = default;
        return option is not null && All.TryGetValue(option, out value);
    }

    private static IReadOnlyDictionary<string, MountOption> BuildTable()
    {
        var table = new Dictionary<string, MountOption>(StringComparer.Ordinal)
        {
            ["async"] = F(MsSynchronous, clear: true), ["atime"] = F(MsNoatime, clear: true),
            ["bind"] = F(MsBind), ["defaults"] = F(0), ["dev"] = F(MsNodev, clear: true),
            ["diratime"] = F(MsNodiratime, clear: true), ["dirsync"] = F(MsDirsync),
            ["exec"] = F(MsNoexec, clear: true), ["iversion"] = F(MsIVersion), ["lazytime"] = F(MsLazytime),
            ["loud"] = F(MsSilent, clear: true), ["mand"] = F(MsMandlock), ["noatime"] = F(MsNoatime),
            ["nodev"] = F(MsNodev), ["nodiratime"] = F(MsNodiratime), ["noexec"] = F(MsNoexec),
            ["noiversion"] = F(MsIVersion, clear: true), ["nolazytime"] = F(MsLazytime, clear: true),
            ["nomand"] = F(MsMandlock, clear: true), ["norelatime"] = F(MsRelatime, clear: true),
            ["nostrictatime"] = F(MsStrictatime, clear: true), ["nosuid"] = F(MsNosuid),
            ["nosymfollow"] = F(MsNosymfollow), ["rbind"] = F(MsBind | MsRec), ["relatime"] = F(MsRelatime),
            ["remount"] = F(MsRemount), ["ro"] = F(MsRdonly), ["rw"] = F(MsRdonly, clear: true),
            ["silent"] = F(MsSilent), ["strictatime"] = F(MsStrictatime), ["suid"] = F(MsNosuid, clear: true),
            ["sync"] = F(MsSynchronous), ["symfollow"] = F(MsNosymfollow, clear: true),

            ["rro"] = R(AttrRdonly), ["rrw"] = R(AttrRdonly, clear: true),
            ["rnosuid"] = R(AttrNosuid), ["rsuid"] = R(AttrNosuid, clear: true),
            ["rnodev"] = R(AttrNodev), ["rdev"] = R(AttrNodev, clear: true),
            ["rnoexec"] = R(AttrNoexec), ["rexec"] = R(AttrNoexec, clear: true),
            ["rnodiratime"] = R(AttrNodiratime), ["rdiratime"] = R(AttrNodiratime, clear: true),
            // MOUNT_ATTR_RELATIME is 0: the atime options select a value of the AttrAtimeMask field (as runc's table).
            ["rrelatime"] = R(0), ["rnorelatime"] = R(0, clear: true), ["rnoatime"] = R(AttrNoatime),
            ["ratime"] = R(AttrNoatime, clear: true), ["rstrictatime"] = R(AttrStrictatime),
            ["rnostrictatime"] = R(AttrStrictatime, clear: true),
            ["rnosymfollow"] = R(AttrNosymfollow), ["rsymfollow"] = R(AttrNosymfollow, clear: true),

            ["tmpcopyup"] = new(MountOptionKind.Extension, 0, false),
            ["idmap"] = new(MountOptionKind.Extension, 0, false),
            ["ridmap"] = new(MountOptionKind.Extension, 0, false),
        };
        foreach ((string name, ulong flags) in Propagation.Flags)
            table[name] = new MountOption(MountOptionKind.Propagation, flags, false);
        return table;
    }
}
