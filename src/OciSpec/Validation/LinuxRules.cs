namespace OciSpec.Validation;

/// <summary>The smaller config-linux.md sections: propagation, masked/readonly paths, personality, time offsets,
/// net devices, memory policy, Intel RDT.</summary>
internal static class LinuxRules
{
    public static void Check(Linux linux, NamespaceSet ns, Report r)
    {
        if (!string.IsNullOrEmpty(linux.RootfsPropagation) && !Propagation.Flags.ContainsKey(linux.RootfsPropagation))
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
        CheckNetDevices(linux.NetDevices, ns, r);
        if (linux.MemoryPolicy is { } mp)
            CheckMemoryPolicy(mp, r);
        if (linux.IntelRdt is { } rdt)
            CheckIntelRdt(rdt, r);
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

    private static void CheckNetDevices(Dictionary<string, LinuxNetDevice>? devices, NamespaceSet ns, Report r)
    {
        if (devices is null || devices.Count == 0) return;
        // Devices are moved out of the runtime's network namespace, so the container needs one of its own.
        if (!ns.Has(NamespaceKind.Network))
            r.Add("linux.netDevices", "requires a network namespace in linux.namespaces");
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string hostName, LinuxNetDevice? dev) in devices)
        {
            string at = SpecPath.Key("linux.netDevices", hostName);
            if (!Syntax.IsNetDeviceName(hostName))
                r.Add(at, "is not a valid network device name (1-15 characters, no '/', ':' or whitespace)");
            string? inside = string.IsNullOrEmpty(dev?.Name) ? hostName : dev.Name;
            if (!string.IsNullOrEmpty(dev?.Name) && !Syntax.IsNetDeviceName(dev.Name))
                r.Add(SpecPath.Member(at, "name"), $"{SpecPath.Q(dev.Name)} is not a valid network device name (1-15 characters, no '/', ':' or whitespace)");
            // A name ending in "%d" is a template the kernel completes with a free number, so it cannot collide.
            else if (!inside.EndsWith("%d", StringComparison.Ordinal) && !targets.Add(inside))
                r.Add(at, $"another device is also named {SpecPath.Q(inside)} in the container");
        }
    }

    private static void CheckMemoryPolicy(LinuxMemoryPolicy mp, Report r)
    {
        if (!SchedulingNames.MemoryPolicyModes.ContainsKey(mp.Mode ?? ""))
        {
            r.Add("linux.memoryPolicy.mode", $"unknown memory policy mode {SpecPath.Q(mp.Mode)}");
        }
        else if (mp.Mode is "MPOL_DEFAULT" or "MPOL_LOCAL")
        {
            if (!string.IsNullOrEmpty(mp.Nodes))
                r.Add("linux.memoryPolicy.nodes", $"must be empty for {mp.Mode}");
        }
        else if (mp.Mode != "MPOL_PREFERRED" && string.IsNullOrEmpty(mp.Nodes))
        {
            // MPOL_PREFERRED with no nodes means "local allocation"; the others need at least one node.
            r.Add("linux.memoryPolicy.nodes", $"must not be empty for {mp.Mode}");
        }
        if (!string.IsNullOrEmpty(mp.Nodes) && !Syntax.IsIdList(mp.Nodes))
            r.Add("linux.memoryPolicy.nodes", $"invalid node list {SpecPath.Q(mp.Nodes)} (expected e.g. \"0-3,5\")");
        for (int i = 0; i < (mp.Flags?.Count ?? 0); i++)
        {
            string? flag = mp.Flags![i];
            if (flag is null || !SchedulingNames.MemoryPolicyFlags.ContainsKey(flag))
                r.Add(SpecPath.Index("linux.memoryPolicy.flags", i), $"unknown memory policy flag {SpecPath.Q(flag)}");
        }
    }

    private static void CheckIntelRdt(LinuxIntelRdt rdt, Report r)
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
