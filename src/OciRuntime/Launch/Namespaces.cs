using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>linux.namespaces as clone flags and the questions the launcher asks about them.</summary>
internal static class Namespaces
{
    internal static List<NamespaceRequest> Requests(Spec spec)
    {
        var list = new List<NamespaceRequest>();
        foreach (var n in spec.Linux?.Namespaces ?? [])
        {
            if (!NamespaceKinds.TryParse(n.Type, out var kind))
                throw new RuntimeError($"linux.namespaces: unknown namespace type \"{n.Type}\"");
            list.Add(new NamespaceRequest(SpecKernelValues.CloneFlag(kind), string.IsNullOrEmpty(n.Path) ? null : n.Path));
        }
        return list;
    }

    internal static bool Has(Spec spec, NamespaceKind kind) => SpecNamespaces.Find(spec, kind) is not null;

    internal static bool HasFresh(Spec spec, NamespaceKind kind) => SpecNamespaces.CreatesNew(spec, kind);
}
