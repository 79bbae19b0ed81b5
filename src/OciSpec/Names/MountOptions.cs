namespace OciSpec;

/// <summary>The filesystem-independent mount options runc understands (and that <c>features</c> lists).
/// Anything else in <c>options</c> is filesystem data ("mode=755", "size=64k") passed to mount(2) as is.
/// Only the names live here; what each does to a mount (MS_* and MOUNT_ATTR_* bits) is the runtime's table.</summary>
public static class MountOptions
{
    /// <summary>mount(2) flags and their negations.</summary>
    private static readonly string[] FlagNames =
    [
        "async", "atime", "bind", "defaults", "dev", "diratime", "dirsync", "exec", "iversion", "lazytime", "loud",
        "mand", "noatime", "nodev", "nodiratime", "noexec", "noiversion", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "nosymfollow", "rbind", "relatime", "remount", "ro", "rw", "silent", "strictatime",
        "suid", "sync", "symfollow",
    ];

    /// <summary>Recursive attributes, applied with mount_setattr(AT_RECURSIVE).</summary>
    private static readonly string[] RecursiveNames =
    [
        "rro", "rrw", "rnosuid", "rsuid", "rnodev", "rdev", "rnoexec", "rexec", "rnodiratime", "rdiratime",
        "rrelatime", "rnorelatime", "rnoatime", "ratime", "rstrictatime", "rnostrictatime", "rnosymfollow", "rsymfollow",
    ];

    /// <summary>Runtime extensions with no kernel flag.</summary>
    public static IReadOnlySet<string> Extensions { get; } = new HashSet<string>(StringComparer.Ordinal) { "tmpcopyup", "idmap", "ridmap" };

    /// <summary>Every recognised option: flags, propagation, recursive attributes and extensions.</summary>
    public static IReadOnlySet<string> Names { get; } =
        new HashSet<string>([.. FlagNames, .. RecursiveNames, .. Propagation.Names, .. Extensions], StringComparer.Ordinal);

    public static bool IsKnown(string? option) => option is not null && Names.Contains(option);
}
