using System.Text;
using System.Text.Json.Nodes;

namespace OciSpec.Tests;

/// <summary>Semantic JSON comparison and small helpers for building test documents.</summary>
internal static class Json
{
    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static void AssertEquivalent(string expected, byte[] actual)
    {
        JsonNode? e = JsonNode.Parse(expected);
        JsonNode? a = JsonNode.Parse(actual);
        Assert.True(JsonNode.DeepEquals(e, a),
            $"JSON differs.\nexpected: {e?.ToJsonString()}\nactual:   {a?.ToJsonString()}");
    }

    public static string ReadTestData(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", name));
}
