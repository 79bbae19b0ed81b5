namespace OciSpec.Validation;

/// <summary>The smaller config-linux.md sections: rootfs propagation, masked/readonly paths, personality, time offsets.</summary>
internal static class LinuxRules
{
    public static void Check(Linux linux, NamespaceSet ns, Report r)
    {
        if (!string.IsNullOrEmpty(linux.RootfsPropagation) && !Propagation.IsKnown(linux.RootfsPropagation))
            r.Add("linux.rootfsPropagation",
                $"unknown propagation {SpecPath.Q(linux.RootfsPropagation)} (expected shared, slave, private, unbindable or their r-prefixed forms)");

        CheckAbsoluteList(linux.MaskedPaths, "linux.maskedPaths", r);
        CheckAbsoluteList(linux.ReadonlyPaths, "linux.readonlyPaths", r);

        if (linux.Personality is { } pers)
        {
            if (pers.Domain is not ("LINUX" or "LINUX32"))
                r.Add("linux.personality.domain", $"unknown personality domain {SpecPath.Q(pers.Domain)} (expected LINUX or LINUX32)");
            for (int i = 0; i < (pers.Flags?.Count ?? 0); i++)
                r.Add(SpecPath.Index("linux.personality.flags", i), $"unknown personality flag {SpecPath.Q(pers.Flags![i])} (none are defined)");
        }

        CheckTimeOffsets(linux.TimeOffsets, ns, r);
    }

    private static void CheckAbsoluteList(List<string>? paths, string path, Report r)
    {
        if (paths is null) return;
        for (int i = 0; i < paths.Count; i++)
        {
            if (!Syntax.IsAbsolute(paths[i]))
                r.Add(SpecPath.Index(path, i), $"must be an absolute path, got {SpecPath.Q(paths[i])}");
        }
    }

    private static void CheckTimeOffsets(Dictionary<string, LinuxTimeOffset>? offsets, NamespaceSet ns, Report r)
    {
        if (offsets is null || offsets.Count == 0) return;
        // Offsets can only be written into a time namespace before any process has entered it.
        if (!ns.IsNew(NamespaceKind.Time))
            r.Add("linux.timeOffsets", "requires a new time namespace in linux.namespaces");
        foreach ((string clock, LinuxTimeOffset? offset) in offsets)
        {
            string at = SpecPath.Key("linux.timeOffsets", clock);
            if (clock is not ("boottime" or "monotonic"))
                r.Add(at, "unknown clock (expected boottime or monotonic)");
            if (offset is null)
                r.Add(at, "must be an object, got null");
            else if (offset.Nanosecs >= 1_000_000_000)
                r.Add(SpecPath.Member(at, "nanosecs"), $"must be below 1000000000, got {offset.Nanosecs}");
        }
    }
}
