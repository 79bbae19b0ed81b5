namespace OciSpec;

/// <summary>Mount propagation names (<c>linux.rootfsPropagation</c> and the propagation mount options).</summary>
public static class Propagation
{
    /// <summary>The spec names the four plain forms; runc (and so every caller) also accepts the recursive "r" forms.</summary>
    public static IReadOnlySet<string> Names { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable",
    };

    public static bool IsKnown(string? name) => name is not null && Names.Contains(name);
}
