using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>runtime-spec 1.3.0 is what `--version`, `features` and the state documents report, and `features` says
/// truthfully that netDevices and intelRdt (with schemata and monitoring) are implemented (features-linux.md:
/// whatever the host has).</summary>
public sealed class VersionAndFeaturesTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void Version_reports_spec_1_3_0()
    {
        var r = RuntimeBinary.Run(["--version"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("spec: 1.3.0\n", r.Stdout);
    }

    [Fact]
    public void Features_lists_netDevices_and_intelRdt()
    {
        var f = JsonNode.Parse(RuntimeBinary.Run(["features"]).Stdout)!;
        Assert.Equal("1.3.0", (string?)f["ociVersionMax"]);
        Assert.True((bool?)f["linux"]!["netDevices"]!["enabled"]);
        var rdt = f["linux"]!["intelRdt"]!;
        Assert.True((bool?)rdt["enabled"]);
        Assert.True((bool?)rdt["schemata"]);
        Assert.True((bool?)rdt["monitoring"]);
    }

    [Fact]
    public void State_documents_carry_1_3_0()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        Assert.Equal("1.3.0", (string?)_s.State(id)["ociVersion"]);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }
}
