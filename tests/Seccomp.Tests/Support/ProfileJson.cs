using System.Text.Json;
using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>Reads an OCI <c>linux.seccomp</c> object into the compiler's input model (DOM, no reflection).</summary>
public static class ProfileJson
{
    public static SeccompProfile Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var profile = new SeccompProfile(
            Action(root.GetProperty("defaultAction").GetString()!),
            root.TryGetProperty("defaultErrnoRet", out var der) ? der.GetUInt32() : null,
            Strings(root, "architectures"),
            Strings(root, "flags"),
            root.TryGetProperty("syscalls", out var sc) ? sc.EnumerateArray().Select(Rule).ToList() : []);
        return profile;
    }

    public static SeccompProfile Load(string path) => Parse(File.ReadAllText(path));

    private static SeccompRule Rule(JsonElement e) => new(
        Strings(e, "names"),
        Action(e.GetProperty("action").GetString()!),
        e.TryGetProperty("errnoRet", out var er) ? er.GetUInt32() : null,
        e.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
            ? args.EnumerateArray().Select(a => new ArgCondition(
                a.GetProperty("index").GetUInt32(),
                a.GetProperty("value").GetUInt64(),
                a.TryGetProperty("valueTwo", out var v2) ? v2.GetUInt64() : 0,
                Op(a.GetProperty("op").GetString()!))).ToList()
            : []);

    private static List<string> Strings(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array ? p.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

    private static SeccompAction Action(string s) => SeccompNames.TryParseAction(s, out var a) ? a : throw new FormatException(s);
    private static CompareOp Op(string s) => SeccompNames.TryParseOp(s, out var o) ? o : throw new FormatException(s);
}
