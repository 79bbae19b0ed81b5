namespace OciSpec.Validation;

/// <summary>config-linux.md "Namespaces": known types, no duplicates, absolute paths.</summary>
internal static class NamespaceRules
{
    public static void Check(List<LinuxNamespace>? namespaces, Report r)
    {
        if (namespaces is null) return;
        var seen = new HashSet<NamespaceKind>();
        for (int i = 0; i < namespaces.Count; i++)
        {
            string at = P.Index("linux.namespaces", i);
            LinuxNamespace? ns = namespaces[i];
            if (ns is null) { r.Add(at, "must be an object, got null"); continue; }
            if (!NamespaceKinds.TryParse(ns.Type, out NamespaceKind kind))
                r.Add(P.Member(at, "type"), $"unknown namespace type {P.Q(ns.Type)}");
            else if (!seen.Add(kind))
                r.Add(P.Member(at, "type"), $"duplicate namespace type {P.Q(ns.Type)}");
            if (!string.IsNullOrEmpty(ns.Path) && !Syntax.IsAbsolute(ns.Path))
                r.Add(P.Member(at, "path"), $"must be an absolute path, got {P.Q(ns.Path)}");
        }
    }
}
