namespace OciSpec.Validation;

/// <summary>uid/gid maps: the spec's user-namespace coupling plus what the kernel's uid_map writer rejects.</summary>
internal static class IdMappingRules
{
    public static void Check(Linux linux, NamespaceSet ns, Report r)
    {
        bool hasUid = linux.UidMappings is { Count: > 0 }, hasGid = linux.GidMappings is { Count: > 0 };
        if (!ns.Has(NamespaceKind.User))
        {
            // Mappings only mean something for a user namespace; silently ignoring them would run as host root.
            if (hasUid) r.Add("linux.uidMappings", "requires a user namespace in linux.namespaces");
            if (hasGid) r.Add("linux.gidMappings", "requires a user namespace in linux.namespaces");
        }
        else if (ns.IsNew(NamespaceKind.User))
        {
            // A fresh user namespace without maps leaves every id unmapped (overflow uid 65534): nothing could run.
            if (!hasUid) r.Add("linux.uidMappings", "must not be empty when a new user namespace is created");
            if (!hasGid) r.Add("linux.gidMappings", "must not be empty when a new user namespace is created");
        }
        CheckList(linux.UidMappings, "linux.uidMappings", r);
        CheckList(linux.GidMappings, "linux.gidMappings", r);
    }

    public static void CheckList(List<LinuxIDMapping>? maps, string path, Report r)
    {
        if (maps is null) return;
        for (int i = 0; i < maps.Count; i++)
        {
            string at = SpecPath.Index(path, i);
            LinuxIDMapping? m = maps[i];
            if (m is null) { r.Add(at, "must be an object, got null"); continue; }
            if (m.Size == 0)
            {
                r.Add(SpecPath.Member(at, "size"), "must be greater than zero");
                continue;
            }
            // Ids are 32-bit; a range running past 2^32-1 is rejected by the kernel.
            if ((ulong)m.ContainerID + m.Size > 1UL << 32)
                r.Add(at, $"containerID {m.ContainerID} + size {m.Size} exceeds the 32-bit id range");
            if ((ulong)m.HostID + m.Size > 1UL << 32)
                r.Add(at, $"hostID {m.HostID} + size {m.Size} exceeds the 32-bit id range");
        }
    }
}
