namespace OciSpec.Validation;

/// <summary>config.md rules outside process/mounts/hooks/linux: ociVersion, root, hostname, domainname, annotations.</summary>
internal static class TopLevelRules
{
    public static void Check(Spec spec, NamespaceSet ns, Report r)
    {
        CheckVersion(spec.OciVersion, r);

        if (spec.Root is null)
            r.Add("root", "must be present");
        else if (string.IsNullOrEmpty(spec.Root.Path))
            r.Add("root.path", "must not be empty");

        // config.md: "you can only set this if your bundle creates a new UTS namespace". Like runc we also accept a
        // joined uts namespace (path): CRI runtimes join the sandbox's and set the same hostname again.
        if (!string.IsNullOrEmpty(spec.Hostname) && !ns.Has(NamespaceKind.Uts))
            r.Add("hostname", "requires a uts namespace in linux.namespaces");
        if (!string.IsNullOrEmpty(spec.Domainname) && !ns.Has(NamespaceKind.Uts))
            r.Add("domainname", "requires a uts namespace in linux.namespaces");
        CheckUtsNameLength(spec.Hostname, "hostname", r);
        CheckUtsNameLength(spec.Domainname, "domainname", r);

        if (spec.Annotations is { } annotations)
        {
            foreach ((string key, string? value) in annotations)
            {
                if (key.Length == 0)
                    r.Add("annotations", "keys must not be empty");
                else if (value is null)
                    r.Add(SpecPath.Key("annotations", key), "must be a string, got null");
            }
        }
    }

    // sethostname(2)/setdomainname(2) fail with EINVAL beyond __NEW_UTS_LEN (64) bytes.
    private static void CheckUtsNameLength(string? name, string path, Report r)
    {
        int bytes = name is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(name);
        if (bytes > 64)
            r.Add(path, $"must be at most 64 bytes, got {bytes}");
    }

    private static void CheckVersion(string? version, Report r)
    {
        if (string.IsNullOrEmpty(version))
        {
            r.Add("ociVersion", "must be present");
            return;
        }
        if (!Syntax.IsSemVer(version))
        {
            r.Add("ociVersion", $"must be a SemVer 2.0.0 version, got {SpecPath.Q(version)}");
            return;
        }
        // Compatibility is promised within a major version only.
        if (!version.StartsWith("1.", StringComparison.Ordinal))
            r.Add("ociVersion", $"unsupported version {SpecPath.Q(version)}: this runtime implements 1.x");
    }
}
