using System.Text;
using System.Text.Json.Nodes;

namespace OciSpec.Tests.Validation;

/// <summary>Validation test helper: start from the (valid) default template, patch its JSON, parse, validate.</summary>
internal static class V
{
    public static JsonNode N(string json) => JsonNode.Parse(json)!;

    public static List<string> Errors(Action<JsonObject> patch)
    {
        JsonObject doc = JsonNode.Parse(OciJson.Serialize(SpecTemplates.Default()))!.AsObject();
        patch(doc);
        Spec spec = OciJson.ParseSpec(Encoding.UTF8.GetBytes(doc.ToJsonString()));
        return [.. SpecValidator.Validate(spec).Select(e => e.ToString())];
    }

    /// <summary>The patch yields exactly this one error.</summary>
    public static void Fails(string expected, Action<JsonObject> patch) => Assert.Equal([expected], Errors(patch));

    public static void Passes(Action<JsonObject> patch) => Assert.Empty(Errors(patch));

    public static JsonObject Process(this JsonObject doc) => doc["process"]!.AsObject();

    public static JsonObject Linux(this JsonObject doc) => doc["linux"]!.AsObject();

    public static JsonObject Resources(this JsonObject doc) => doc.Linux()["resources"]!.AsObject();

    public static void AddNamespace(this JsonObject doc, string type, string? path = null)
    {
        var ns = new JsonObject { ["type"] = type };
        if (path is not null) ns["path"] = path;
        doc.Linux()["namespaces"]!.AsArray().Add(ns);
    }

    public static void RemoveNamespace(this JsonObject doc, string type)
    {
        JsonArray list = doc.Linux()["namespaces"]!.AsArray();
        list.Remove(list.First(n => (string)n!["type"]! == type));
    }

    public static void AddUserNamespace(this JsonObject doc)
    {
        doc.AddNamespace("user");
        doc.Linux()["uidMappings"] = N("""[{"containerID":0,"hostID":1000,"size":65536}]""");
        doc.Linux()["gidMappings"] = N("""[{"containerID":0,"hostID":1000,"size":65536}]""");
    }
}
