namespace OciSpec;

/// <summary>Mount propagation names (<c>linux.rootfsPropagation</c> and the propagation mount options) and mount(2) flags.</summary>
public static class Propagation
{
    private const ulong MsRec = 0x4000;
    private const ulong MsUnbindable = 1 << 17;
    private const ulong MsPrivate = 1 << 18;
    private const ulong MsSlave = 1 << 19;
    private const ulong MsShared = 1 << 20;

    /// <summary>The spec names the four plain forms; runc (and so every caller) also accepts the recursive "r" forms.</summary>
    public static IReadOnlyDictionary<string, ulong> Flags { get; } = new Dictionary<string, ulong>(StringComparer.Ordinal)
    {
        ["shared"] = MsShared,
        ["slave"] = MsSlave,
        ["private"] = MsPrivate,
        ["unbindable"] = MsUnbindable,
        ["rshared"] = MsShared | MsRec,
        ["rslave"] = MsSlave | MsRec,
        ["rprivate"] = MsPrivate | MsRec,
        ["runbindable"] = MsUnbindable | MsRec,
    };

    public static bool TryGetFlags(string? name, out ulong mountFlags)
    {
        mountFlags = 0;
        return name is not null && Flags.TryGetValue(name, out mountFlags);
    }
}
