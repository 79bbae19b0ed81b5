namespace OciSpec.Validation;

/// <summary>config.md "mounts" (Linux).</summary>
internal static class MountRules
{
    public static void Check(List<Mount>? mounts, NamespaceSet ns, Report r)
    {
        if (mounts is null) return;
        for (int i = 0; i < mounts.Count; i++)
        {
            string at = SpecPath.Index("mounts", i);
            Mount? m = mounts[i];
            if (m is null) { r.Add(at, "must be an object, got null"); continue; }

            // The spec says absolute; runc (and so docker/podman configs in the wild) accepts relative destinations
            // and resolves them against the rootfs, so only emptiness is an error here.
            if (string.IsNullOrEmpty(m.Destination))
                r.Add(SpecPath.Member(at, "destination"), "must not be empty");

            // An id-mapped mount needs both maps: mount_setattr(MOUNT_ATTR_IDMAP) takes one user namespace for both.
            bool hasUid = m.UidMappings is { Count: > 0 }, hasGid = m.GidMappings is { Count: > 0 };
            if (hasUid != hasGid)
                r.Add(at, "uidMappings and gidMappings must be given together");
            // config.md: idmap/ridmap without mappings of their own borrow the container's user namespace; with
            // neither, the runtime MUST fail.
            bool idmap = m.Options?.Exists(o => o is "idmap" or "ridmap") == true;
            if (idmap && !hasUid && !hasGid && !ns.Has(NamespaceKind.User))
                r.Add(SpecPath.Member(at, "options"), "idmap needs uidMappings/gidMappings or a user namespace");
            IdMappingRules.CheckList(m.UidMappings, SpecPath.Member(at, "uidMappings"), r);
            IdMappingRules.CheckList(m.GidMappings, SpecPath.Member(at, "gidMappings"), r);
        }
    }
}
