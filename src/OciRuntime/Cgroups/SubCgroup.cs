namespace OciRuntime.Cgroups;

/// <summary>
/// `exec --cgroup [CONTROLLER[,CONTROLLER]:]PATH` (runc's flag, repeatable): the new process joins an existing
/// sub-cgroup of the container's cgroup instead of the container's own, in every hierarchy (no controller) or in
/// the named controllers' hierarchies. A sub-cgroup that does not exist is an error, as in runc: exec does not make one.
/// </summary>
internal sealed class SubCgroup
{
    /// <summary>Sub-path per controller; the key "" applies to every hierarchy without its own entry.</summary>
    private readonly Dictionary<string, string> _paths;

    private SubCgroup(Dictionary<string, string> paths) => _paths = paths;

    internal static SubCgroup? Parse(string[]? values)
    {
        if (values is not { Length: > 0 }) return null;
        var paths = new Dictionary<string, string>();
        foreach (var v in values)
        {
            int colon = v.IndexOf(':');
            string ctrls = colon < 0 ? "" : v[..colon], sub = colon < 0 ? v : v[(colon + 1)..];
            // Relative to the container's cgroup and inside it: no "..", no empty path.
            var parts = sub.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Any(p => p is "." or ".."))
                throw new RuntimeError($"exec --cgroup: \"{v}\" must name a sub-cgroup below the container's cgroup");
            string clean = string.Join('/', parts);
            foreach (var c in ctrls.Length == 0 ? [""] : ctrls.Split(',', StringSplitOptions.RemoveEmptyEntries))
                if (!paths.TryAdd(c, clean))
                    throw new RuntimeError($"exec --cgroup: {(c.Length == 0 ? "the path" : "controller " + c)} is given twice");
        }
        return new SubCgroup(paths);
    }

    /// <summary>Moves <paramref name="pid"/> into the sub-cgroups (the container's cgroup where none is named).</summary>
    internal void Join(ICgroupManager cgroup, int pid)
    {
        switch (cgroup)
        {
            case V1Manager v1:
                Unused(v1.Dirs.SelectMany(d => d.Key.Controllers));
                foreach (var (h, dir) in v1.Dirs)
                {
                    if (!Directory.Exists(dir)) continue;
                    string? sub = h.IsV2 ? _paths.GetValueOrDefault("") : h.Controllers.Select(c => _paths.GetValueOrDefault(c)).FirstOrDefault(p => p is not null) ?? _paths.GetValueOrDefault("");
                    Write(sub is null ? dir : Existing(dir, sub), pid);
                }
                break;
            case V2Manager v2:
                // One hierarchy: every path given must be the same one.
                var distinct = _paths.Values.Distinct().ToList();
                if (distinct.Count > 1)
                    throw new RuntimeError("exec --cgroup: cgroup v2 has one hierarchy, so only one sub-cgroup path can be given");
                Write(Existing(v2.Dir, distinct[0]), pid);
                break;
            default:
                throw new RuntimeError("exec --cgroup: not supported for this container's cgroup (no cgroup of its own, or rootless)");
        }
    }

    private void Unused(IEnumerable<string> known)
    {
        var have = known.ToHashSet();
        foreach (var c in _paths.Keys)
            if (c.Length > 0 && !have.Contains(c))
                throw new RuntimeError($"exec --cgroup: no cgroup controller {c} on this host");
    }

    private static string Existing(string dir, string sub)
    {
        string target = Path.Join(dir, sub);
        if (!Directory.Exists(target))
            throw new RuntimeError($"exec --cgroup: sub-cgroup {sub} does not exist ({target})");
        return target;
    }

    private static void Write(string dir, int pid) => CgroupFs.Write(dir, "cgroup.procs", pid.ToString(), "exec --cgroup");
}
