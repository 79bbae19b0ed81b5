using System.Text.Json.Nodes;

namespace OciSpec.Tests;

public class TemplateTests
{
    [Fact]
    public void DefaultValidates() => Assert.Empty(SpecValidator.Validate(SpecTemplates.Default()));

    [Fact]
    public void RootlessValidates() => Assert.Empty(SpecValidator.Validate(SpecTemplates.Rootless()));

    [Fact]
    public void RootlessWithCallerIdsValidates()
    {
        Spec spec = SpecTemplates.WithRootlessIds(SpecTemplates.Rootless(), 1000, 1001);
        Assert.Equal(1000u, spec.Linux!.UidMappings![0].HostID);
        Assert.Equal(1001u, spec.Linux.GidMappings![0].HostID);
        Assert.Equal(0u, spec.Linux.UidMappings[0].ContainerID);
        Assert.Empty(SpecValidator.Validate(spec));
    }

    /// <summary>Same content as runc 1.1.5's <c>runc spec</c> apart from our ociVersion, our own hostname (crun's
    /// template names itself too) and a cgroup namespace.</summary>
    [Theory]
    [InlineData("runc-spec.json", false)]
    [InlineData("runc-spec-rootless.json", true)]
    public void MatchesRuncSpec(string file, bool rootless)
    {
        JsonObject runc = JsonNode.Parse(Json.ReadTestData(file))!.AsObject();
        runc["ociVersion"] = OciVersions.Current;
        runc["hostname"] = "ocirun";
        JsonArray ns = runc["linux"]!["namespaces"]!.AsArray();
        // cgroup goes after mount and, when rootless, before user.
        ns.Insert(rootless ? ns.Count - 1 : ns.Count, new JsonObject { ["type"] = "cgroup" });

        Spec ours = rootless ? SpecTemplates.Rootless() : SpecTemplates.Default();
        Json.AssertEquivalent(runc.ToJsonString(), OciJson.Serialize(ours, indented: true));
    }

    [Fact]
    public void The_default_hostname_is_ocirun() => Assert.Equal("ocirun", SpecTemplates.Default().Hostname);

    [Fact]
    public void EachCallReturnsFreshObjects()
    {
        Spec a = SpecTemplates.Default();
        a.Process!.Args!.Add("-c");
        a.Linux!.MaskedPaths!.Clear();
        Spec b = SpecTemplates.Default();
        Assert.Equal(["sh"], b.Process!.Args!);
        Assert.NotEmpty(b.Linux!.MaskedPaths!);
    }

    [Fact]
    public void DefaultHasTheExpectedSecurityBaseline()
    {
        Spec s = SpecTemplates.Default();
        Assert.Contains("/proc/kcore", s.Linux!.MaskedPaths!);
        Assert.Contains("/proc/sys", s.Linux.ReadonlyPaths!);
        Assert.Contains("/proc/sysrq-trigger", s.Linux.ReadonlyPaths!);
        Assert.True(s.Process!.NoNewPrivileges);
        Assert.Equal(["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"], s.Process.Capabilities!.Bounding!);
        Assert.Null(s.Process.Capabilities.Inheritable);
    }
}
