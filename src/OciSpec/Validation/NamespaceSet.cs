namespace OciSpec.Validation;

/// <summary>Which namespaces a config creates or joins, for the rules that depend on them (hostname needs uts, ...).</summary>
internal sealed class NamespaceSet
{
    private readonly Dictionary<NamespaceKind, string?> _paths = [];

    public NamespaceSet(Spec spec)
    {
        foreach (LinuxNamespace? ns in spec.Linux?.Namespaces ?? [])
        {
            // First entry wins; duplicates are reported by NamespaceRules.
            if (ns is not null && NamespaceKinds.TryParse(ns.Type, out NamespaceKind kind))
                _paths.TryAdd(kind, ns.Path);
        }
    }

    /// <summary>The container gets a namespace of this kind other than the runtime's: new or joined by path.</summary>
    public bool Has(NamespaceKind kind) => _paths.ContainsKey(kind);

    /// <summary>The runtime creates a fresh namespace of this kind (no path).</summary>
    public bool IsNew(NamespaceKind kind) => _paths.TryGetValue(kind, out string? path) && string.IsNullOrEmpty(path);
}
