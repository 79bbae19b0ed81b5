namespace OciSpec.Validation;

/// <summary>config-linux.md "Memory policy" (<c>linux.memoryPolicy</c>), checked against set_mempolicy(2).</summary>
internal static class MemoryPolicyRules
{
    public static void Check(LinuxMemoryPolicy mp, Report r)
    {
        if (!SchedulingNames.MemoryPolicyModes.Contains(mp.Mode ?? ""))
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
            if (flag is null || !SchedulingNames.MemoryPolicyFlags.Contains(flag))
                r.Add(SpecPath.Index("linux.memoryPolicy.flags", i), $"unknown memory policy flag {SpecPath.Q(flag)}");
        }
    }
}
