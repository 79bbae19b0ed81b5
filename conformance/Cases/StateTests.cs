using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>runtime.md "State": the fields of the state JSON.</summary>
public class StateTests
{
    const string RuntimeMd = "runtime.md";

    [Fact]
    [Spec(RuntimeMd, "The state of a container includes the following properties: `ociVersion` (string, REQUIRED) ... `id` (string, REQUIRED) ... `status` (string, REQUIRED) ... `pid` (int, REQUIRED when `status` is `created` or `running` on Linux) ... `bundle` (string, REQUIRED) ... `annotations` (map, OPTIONAL)")]
    [Spec(RuntimeMd, "**`annotations`** (map, OPTIONAL) contains the list of annotations associated with the container.")]
    public void State_HasRequiredFields_AndConfigAnnotations()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.Bundle.Config["annotations"] = new JsonObject
        {
            ["org.ocirun.test.key"] = "value-1",
            ["com.example.other"] = "second",
        };
        c.MustCreate();

        var state = c.StateJson();
        Assert.False(string.IsNullOrEmpty((string?)state["ociVersion"]), $"no ociVersion: {state}");
        Assert.Equal(c.Id, (string?)state["id"]);
        Assert.Equal("created", (string?)state["status"]);
        Assert.True(state["pid"] is JsonValue v && v.TryGetValue<int>(out int pid) && pid > 0, $"pid is not a positive int: {state}");
        Assert.True(Path.IsPathRooted((string?)state["bundle"]), $"bundle is not absolute: {state}");

        var annotations = state["annotations"] as JsonObject;
        Assert.True(annotations != null, $"no annotations map although config.json has annotations: {state}");
        Assert.Equal("value-1", (string?)annotations["org.ocirun.test.key"]);
        Assert.Equal("second", (string?)annotations["com.example.other"]);
    }

    [Fact]
    [Spec(RuntimeMd, "Attempting to query a container that does not exist MUST generate an error.")]
    public void State_UnknownId_Fails()
    {
        using var c = new TestContainer();
        var r = c.Invoke("state", c.Id + "-missing");
        Assert.False(r.Succeeded, $"state of an unknown id succeeded: {r}");
        Assert.NotEqual(0, r.ExitCode);
    }
}
