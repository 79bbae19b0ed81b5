namespace OciSpec.Validation;

/// <summary>config-linux.md "IntelRdt": the parts checkable without a resctrl mount.</summary>
internal static class IntelRdtRules
{
    public static void Check(LinuxIntelRdt rdt, Report r)
    {
        // closID names a directory under the resctrl mount; "/" alone means the default CLOS (the resctrl root).
        if (rdt.ClosID is { Length: > 0 } clos && clos != "/" && (clos.Contains('/') || clos is "." or ".."))
            r.Add("linux.intelRdt.closID", $"must be a plain directory name, got {SpecPath.Q(clos)}");
        if (!string.IsNullOrEmpty(rdt.MemBwSchema) &&
            (!rdt.MemBwSchema.StartsWith("MB:", StringComparison.Ordinal) || rdt.MemBwSchema.Contains('\n')))
            r.Add("linux.intelRdt.memBwSchema", $"must start with \"MB:\" and be a single line, got {SpecPath.Q(rdt.MemBwSchema)}");
        // Each element is one line of the schemata file.
        for (int i = 0; i < (rdt.Schemata?.Count ?? 0); i++)
        {
            string? line = rdt.Schemata![i];
            if (string.IsNullOrEmpty(line) || line.Contains('\n'))
                r.Add(SpecPath.Index("linux.intelRdt.schemata", i), $"must be a single non-empty line, got {SpecPath.Q(line)}");
        }
    }
}
