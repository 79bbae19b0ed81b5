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
            string at = SpecPath.Index("linux.namespaces", i);
            LinuxNamespace? ns = namespaces[i];
            if (ns is null) { r.Add(at, "must be an object, got null"); continue; }
            if (!NamespaceKinds.TryParse(ns.Type, out NamespaceKind kind))
                r.Add(SpecPath.Member(at, "type"), $"unknown namespace type {SpecPath.Q(ns.Type)}");
            else if (!seen.Add(kind))
                r.Add(SpecPath.Member(at, "type"), $"duplicate namespace type {SpecPath.Q(ns.Type)}");
            if (!string.IsNullOrEmpty(ns.Path) && !Syntax.IsAbsolute(ns.Path))
                r.Add(SpecPath.Member(at, "path"), $"must be an absolute path, got {SpecPath.Q(ns.Path)}");
        }
    }
}
