using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OciSpec.Tests.TestData;
using Xunit.Abstractions;

namespace OciSpec.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzer over ParseSpec + SpecValidator.Validate: mutated versions of the default template and the
/// spec examples. Only SpecFormatException (or validation errors returned) is allowed; any other exception, or an
/// input taking longer than the per-input timeout, fails. OCIRUN_FUZZ_SECONDS sets a long run; else ~5 s, seed fixed.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SpecFuzzTests(ITestOutputHelper output)
{
    private const int PerInputTimeoutMs = 2_000;

    private static readonly string[] Tokens =
    [
        "null", "true", "false", "0", "-1", "4294967296", "18446744073709551616", "-9223372036854775809", "1e400", "1.5",
        "\"\"", "\"x\"", "[]", "{}", "[null]", "{\"\":null}", "\"\\u0000\"", "\"\\ud800\"", "\"../../\"", "\"/\"",
        "\"CAP_NOPE\"", "\"RLIMIT_NOPE\"", "\"SCMP_ACT_NOPE\"", "\"user\"", "\"mount\"", "\"rshared\"", "NaN", "[[[[[[[[",
        "\"SCMP_CMP_MASKED_EQ\"", "\"SCMP_ARCH_NOPE\"", "9999999999999999999999999999", "-0", "0x10", "\"\\\"",
    ];

    private static int Seconds() =>
        int.TryParse(Environment.GetEnvironmentVariable("OCIRUN_FUZZ_SECONDS"), out int s) && s > 0 ? s : 5;

    private static List<byte[]> Corpus() =>
    [
        OciJson.Serialize(SpecTemplates.Default()),
        OciJson.Serialize(SpecTemplates.Default(), indented: true),
        Encoding.UTF8.GetBytes(Examples.ConfigMdFull),
        File.ReadAllBytes(Path.Join(AppContext.BaseDirectory, "TestData", "runc-spec.json")),
        File.ReadAllBytes(Path.Join(AppContext.BaseDirectory, "TestData", "runc-spec-rootless.json")),
    ];

    [Fact]
    public void Parser_and_validator_survive_mutations()
    {
        var corpus = Corpus().Where(c => c.Length > 0).ToList();
        var rng = new Random(20261123);
        var deadline = DateTime.UtcNow.AddSeconds(Seconds());
        long inputs = 0, parsed = 0, formatErrors = 0, invalid = 0;
        var failures = new List<string>();
        while (DateTime.UtcNow < deadline && failures.Count < 5)
        {
            // Half the inputs stay well-formed JSON (tree mutations) so they reach the deserializer and the validator.
            byte[] seed = corpus[rng.Next(corpus.Count)];
            byte[] input = rng.Next(2) == 0 ? MutateTree(seed, rng, rng.Next(1, 6)) : Mutate(seed, rng, rng.Next(1, 6));
            inputs++;
            var t = Task.Run(() =>
            {
                var spec = OciJson.ParseSpec(input);
                return SpecValidator.Validate(spec).Count;
            });
            try
            {
                if (!t.Wait(PerInputTimeoutMs)) { failures.Add("hang on: " + Show(input)); break; }
                parsed++;
                if (t.Result > 0) invalid++;
            }
            catch (AggregateException ae) when (ae.InnerException is SpecFormatException) { formatErrors++; }
            catch (AggregateException ae) { failures.Add($"{ae.InnerException!.GetType().Name}: {ae.InnerException.Message}\n{ae.InnerException.StackTrace}\non: {Show(input)}"); }
        }
        output.WriteLine($"inputs {inputs}, parsed {parsed} (invalid {invalid}), format errors {formatErrors}, failures {failures.Count}");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(inputs > 100, $"only {inputs} inputs");
    }

    /// <summary>Inputs the fuzzer found that once escaped as something other than SpecFormatException. Each gives
    /// one of the two outcomes the reader promises, and the one it gives is pinned; any other exception fails.</summary>
    [Theory]
    [InlineData("""{"\ud800":1}""", "format error at ''")]
    [InlineData("""{"ociVersion":"1.2.1","process":{"user":"../../","args":["sh"],"cwd":"/"},"\ud800":[]}""", "format error at 'process.user'")]
    [InlineData("""{"ociVersion":"1.2.1","\udc00x":[]}""", "format error at ''")]
    [InlineData("""{"ociVersion":"\ud800"}""", "format error at 'ociVersion'")]
    [InlineData("""{"ociVersion":"1.0.0","process":{"args":["\ud800"],"cwd":"/"}}""", "format error at 'process.args[0]'")]
    // Beside them, the same shape with a paired surrogate: text, so a spec comes out (without root, hence invalid).
    [InlineData("""{"ociVersion":"1.0.0","process":{"args":["\ud83d\ude00"],"cwd":"/"}}""", "spec with 2 validation errors")]
    public void Found_inputs_give_a_format_error_or_a_spec(string json, string expected)
    {
        Assert.Equal(expected, Outcome(json));
    }

    /// <summary>"format error at 'PATH'", or "spec with N validation errors" for a spec the validator read.</summary>
    private static string Outcome(string json)
    {
        Spec spec;
        try { spec = OciJson.ParseSpec(Encoding.UTF8.GetBytes(json)); }
        catch (SpecFormatException e)
        {
            // One line naming the place: the field, or the document when the whole of it is at fault.
            Assert.DoesNotContain('\n', e.Message);
            Assert.StartsWith(e.JsonPath is "" ? "config.json: " : e.JsonPath + ": ", e.Message);
            return $"format error at '{e.JsonPath}'";
        }
        return $"spec with {SpecValidator.Validate(spec).Count} validation errors";
    }

    private static string Show(byte[] b) => b.Length > 4000 ? Encoding.UTF8.GetString(b, 0, 4000) + "..." : Encoding.UTF8.GetString(b);

    /// <summary>Byte flips, deletions, duplications, token splices at value positions, truncation.</summary>
    internal static byte[] Mutate(byte[] src, Random rng, int rounds)
    {
        var b = new List<byte>(src);
        for (int i = 0; i < rounds && b.Count > 0; i++)
        {
            int pos = rng.Next(b.Count);
            switch (rng.Next(8))
            {
                case 0: b[pos] = (byte)rng.Next(256); break;
                case 1: b[pos] ^= (byte)(1 << rng.Next(8)); break;
                case 2: b.RemoveRange(pos, Math.Min(rng.Next(1, 16), b.Count - pos)); break;
                case 3:
                {
                    int len = Math.Min(rng.Next(1, 64), b.Count - pos);
                    b.InsertRange(rng.Next(b.Count), b.GetRange(pos, len));
                    break;
                }
                case 4: b.RemoveRange(pos, b.Count - pos); break;
                default:
                {
                    // Replace the value after a ':' (or an array element after '[' / ',') with a token.
                    int colon = b.FindIndex(pos, x => x is (byte)':' or (byte)'[' or (byte)',');
                    if (colon < 0) break;
                    int end = colon + 1;
                    while (end < b.Count && b[end] == ' ') end++;
                    int valEnd = ValueEnd(b, end);
                    b.RemoveRange(colon + 1, valEnd - colon - 1);
                    b.InsertRange(colon + 1, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)]));
                    break;
                }
            }
        }
        return b.ToArray();
    }

    private static readonly string[] Keys =
    [
        "ociVersion", "process", "root", "hostname", "domainname", "mounts", "hooks", "linux", "annotations", "args", "env", "cwd",
        "user", "uid", "gid", "umask", "additionalGids", "capabilities", "rlimits", "type", "hard", "soft", "namespaces", "path",
        "uidMappings", "gidMappings", "containerID", "hostID", "size", "resources", "memory", "limit", "swap", "pids", "cpu",
        "devices", "allow", "access", "major", "minor", "seccomp", "defaultAction", "syscalls", "names", "action", "args", "index",
        "value", "valueTwo", "op", "architectures", "flags", "sysctl", "maskedPaths", "readonlyPaths", "rootfsPropagation",
        "destination", "source", "options", "prestart", "createRuntime", "poststop", "timeout", "ioPriority", "scheduler",
        "personality", "timeOffsets", "intelRdt", "cgroupsPath", "terminal", "consoleSize", "noNewPrivileges", "oomScoreAdj",
    ];

    /// <summary>Mutations of the parsed tree: values replaced by tokens of other types, keys removed or added, arrays grown.</summary>
    internal static byte[] MutateTree(byte[] src, Random rng, int rounds)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(src); }
        catch (JsonException) { return src; }
        if (root is null) return src;
        for (int i = 0; i < rounds; i++)
        {
            var all = new List<JsonNode>();
            Walk(root, all);
            var node = all[rng.Next(all.Count)];
            JsonNode? token = null;
            try { token = JsonNode.Parse(Tokens[rng.Next(Tokens.Length)]); } catch (JsonException) { }
            switch (rng.Next(5))
            {
                case 0:
                    Replace(node, token);
                    break;
                case 1:
                    if (node.Parent is JsonObject po) po.Remove(node.GetPropertyName());
                    else if (node.Parent is JsonArray pa) pa.RemoveAt(node.GetElementIndex());
                    break;
                case 2:
                    if (node is JsonArray arr && arr.Count > 0) arr.Add(arr[rng.Next(arr.Count)]?.DeepClone());
                    else if (node is JsonObject obj) obj[Keys[rng.Next(Keys.Length)]] = token;
                    break;
                case 3:
                    if (node is JsonObject o2) o2[Keys[rng.Next(Keys.Length)]] = rng.Next(2) == 0 ? new JsonObject() : new JsonArray(token);
                    else Replace(node, JsonValue.Create(new string('a', rng.Next(0, 5000))));
                    break;
                default:
                    Replace(node, rng.Next(3) switch { 0 => JsonValue.Create(-rng.NextInt64()), 1 => JsonValue.Create(ulong.MaxValue), _ => JsonValue.Create(rng.NextDouble() * 1e20) });
                    break;
            }
        }
        // JsonNode itself refuses to write a lone surrogate token ("\ud800"): the byte mutator covers those.
        try { return Encoding.UTF8.GetBytes(root.ToJsonString()); }
        catch (InvalidOperationException) { return src; }
    }

    private static void Walk(JsonNode n, List<JsonNode> into)
    {
        into.Add(n);
        if (n is JsonObject o) foreach (var kv in o.ToList()) { if (kv.Value is not null) Walk(kv.Value, into); }
        else if (n is JsonArray a) foreach (var e in a.ToList()) { if (e is not null) Walk(e, into); }
    }

    private static void Replace(JsonNode node, JsonNode? with)
    {
        if (node.Parent is JsonObject o) o[node.GetPropertyName()] = with;
        else if (node.Parent is JsonArray a) a[node.GetElementIndex()] = with;
    }

    private static int ValueEnd(List<byte> b, int i)
    {
        if (i >= b.Count) return b.Count;
        if (b[i] == '"')
        {
            for (int j = i + 1; j < b.Count; j++)
            {
                if (b[j] == '\\') { j++; continue; }
                if (b[j] == '"') return j + 1;
            }
            return b.Count;
        }
        if (b[i] is (byte)'{' or (byte)'[')
        {
            int depth = 0;
            bool str = false;
            for (int j = i; j < b.Count; j++)
            {
                if (str) { if (b[j] == '\\') j++; else if (b[j] == '"') str = false; continue; }
                if (b[j] == '"') str = true;
                else if (b[j] is (byte)'{' or (byte)'[') depth++;
                else if (b[j] is (byte)'}' or (byte)']' && --depth == 0) return j + 1;
            }
            return b.Count;
        }
        int k = i;
        while (k < b.Count && b[k] is not ((byte)',' or (byte)'}' or (byte)']' or (byte)'\n')) k++;
        return k;
    }
}
