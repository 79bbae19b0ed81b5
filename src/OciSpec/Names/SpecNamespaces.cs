namespace OciSpec;

/// <summary>Questions the runtime asks about a config's namespaces, answered the same way the validator does.</summary>
public static class SpecNamespaces
{
    /// <summary>The first <c>linux.namespaces</c> entry of this kind (validation rejects duplicates), or null when the
    /// container inherits the runtime's namespace of that kind.</summary>
    public static LinuxNamespace? Find(Spec spec, NamespaceKind kind)
    {
        ArgumentNullException.ThrowIfNull(spec);
        foreach (LinuxNamespace? ns in spec.Linux?.Namespaces ?? [])
        {
            if (ns is not null && NamespaceKinds.TryParse(ns.Type, out NamespaceKind k) && k == kind)
                return ns;
        }
        return null;
    }

    /// <summary>The runtime must create a fresh namespace of this kind (listed without a path).</summary>
    public static bool CreatesNew(Spec spec, NamespaceKind kind) =>
        Find(spec, kind) is { } ns && string.IsNullOrEmpty(ns.Path);

    /// <summary>The path of a namespace to join, or null when it is created or inherited.</summary>
    public static string? JoinPath(Spec spec, NamespaceKind kind) =>
        Find(spec, kind) is { Path: { Length: > 0 } path } ? path : null;
}
