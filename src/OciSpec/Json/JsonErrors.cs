using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OciSpec;

/// <summary>Turns System.Text.Json failures into one-line, path-named <see cref="SpecFormatException"/>s.</summary>
internal static class JsonErrors
{
    public static void CheckSyntax(ReadOnlySpan<byte> utf8, string source)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            while (reader.Read())
            {
                // The reader checks structure but not the UTF-8 inside strings; check it here so the line is known.
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName &&
                    !reader.HasValueSequence && !System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
                {
                    int bad = (int)reader.TokenStartIndex;
                    int at = utf8[..bad].Count((byte)'\n') + 1;
                    throw new SpecFormatException($"{source} is not valid JSON: line {at}: invalid UTF-8 in a string", "", at);
                }
            }
        }
        catch (JsonException ex)
        {
            int line = (int)(ex.LineNumber ?? 0) + 1;
            throw new SpecFormatException($"{source} is not valid JSON: line {line}: {SyntaxProblem(ex.Message)}", "", line, ex);
        }
    }

    /// <summary>Explain a deserialization failure of well-formed JSON: which value, what was expected, what was found.</summary>
    public static SpecFormatException Describe(JsonException ex, ReadOnlySpan<byte> utf8, JsonTypeInfo root, string source)
    {
        List<object> segments = ParsePath(ex.Path);
        (string specPath, Type? expected) = Resolve(root, segments);
        string where = specPath.Length == 0 ? source : specPath;

        string? problem = null;
        using (JsonDocument doc = JsonDocument.Parse(utf8.ToArray()))
        {
            // A property name with a lone surrogate escape ("\ud800") cannot become a string: keep the reader's message.
            try
            {
                if (expected is not null && TryFind(doc.RootElement, segments, out JsonElement actual))
                    problem = Mismatch(expected, actual);
            }
            catch (InvalidOperationException) { }
        }
        problem ??= StripLocation(ex.Message);
        return new SpecFormatException($"{where}: {problem}", specPath, (int?)(ex.LineNumber + 1), ex);
    }

    private static string? Mismatch(Type expected, JsonElement actual)
    {
        Type t = Nullable.GetUnderlyingType(expected) ?? expected;
        string want = TypeName(t);
        if (actual.ValueKind == JsonValueKind.Number && IsInteger(t))
        {
            string raw = actual.GetRawText();
            bool integral = raw.IndexOfAny(['.', 'e', 'E']) < 0;
            return integral ? $"{raw} is out of range for {want}" : $"expected {want}, got {raw}";
        }
        string got = Kind(actual.ValueKind);
        // Same kind on both sides: the value had the right shape but could not be decoded (a lone surrogate escape).
        return got == want ? $"invalid {want} value" : $"expected {want}, got {got}";
    }

    private static bool IsInteger(Type t) =>
        t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) ||
        t == typeof(short) || t == typeof(ushort) || t == typeof(byte) || t == typeof(sbyte);

    private static string TypeName(Type t)
    {
        if (t == typeof(string)) return "string";
        if (t == typeof(bool)) return "boolean";
        if (t == typeof(int)) return "int32";
        if (t == typeof(uint)) return "uint32";
        if (t == typeof(long)) return "int64";
        if (t == typeof(ulong)) return "uint64";
        if (t == typeof(ushort)) return "uint16";
        if (t == typeof(short)) return "int16";
        if (t == typeof(byte)) return "uint8";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) return "array";
        return "object";
    }

    private static string Kind(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>Walk the generated metadata along the path: the CLR type that was being read, and the spec-style path
    /// (map keys quoted, so <c>linux.sysctl["net.ipv4.ip_forward"]</c> reads as data, not as nested fields).</summary>
    private static (string Path, Type? Expected) Resolve(JsonTypeInfo root, List<object> segments)
    {
        var sb = new StringBuilder();
        JsonTypeInfo? info = root;
        foreach (object seg in segments)
        {
            Type? next = null;
            switch (info?.Kind, seg)
            {
                case (JsonTypeInfoKind.Object, string name):
                    JsonPropertyInfo? prop = info!.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                    AppendMember(sb, prop?.Name ?? name);
                    next = prop?.PropertyType;
                    break;
                case (JsonTypeInfoKind.Dictionary, string key):
                    AppendKey(sb, key);
                    next = info!.ElementType;
                    break;
                case (JsonTypeInfoKind.Enumerable, int index):
                    sb.Append('[').Append(index).Append(']');
                    next = info!.ElementType;
                    break;
                default:
                    // Off the known schema (should not happen for paths STJ reports): format by shape alone.
                    if (seg is int i) sb.Append('[').Append(i).Append(']');
                    else if (IsPlainName((string)seg)) AppendMember(sb, (string)seg);
                    else AppendKey(sb, (string)seg);
                    break;
            }
            info = next is null ? null : info!.Options.GetTypeInfo(next);
        }
        return (sb.ToString(), info?.Type);
    }

    private static void AppendMember(StringBuilder sb, string name) => sb.Append(sb.Length == 0 ? "" : ".").Append(name);

    // Same quoting as the validator's paths, so both kinds of error name a map entry the same way.
    private static void AppendKey(StringBuilder sb, string key) => sb.Append('[').Append(Validation.SpecPath.Q(key)).Append(']');

    private static bool TryFind(JsonElement element, List<object> segments, out JsonElement found)
    {
        found = element;
        foreach (object seg in segments)
        {
            if (seg is int index)
            {
                if (found.ValueKind != JsonValueKind.Array || index >= found.GetArrayLength())
                    return false;
                found = found[index];
                continue;
            }
            if (found.ValueKind != JsonValueKind.Object)
                return false;
            string name = (string)seg;
            // Last match wins, like the deserializer, and names match case-insensitively like Go.
            bool any = false;
            JsonElement exact = default, loose = default;
            bool hasExact = false;
            foreach (JsonProperty prop in found.EnumerateObject())
            {
                if (prop.Name == name) { exact = prop.Value; hasExact = true; }
                else if (string.Equals(prop.Name, name, StringComparison.OrdinalIgnoreCase)) { loose = prop.Value; any = true; }
            }
            if (hasExact) found = exact;
            else if (any) found = loose;
            else return false;
        }
        return true;
    }

    /// <summary>Parse STJ's path syntax (<c>$.a.b[1]['x.y']</c>) into names and indices.</summary>
    internal static List<object> ParsePath(string? path)
    {
        var segments = new List<object>();
        if (string.IsNullOrEmpty(path))
            return segments;
        int i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                int start = ++i;
                while (i < path.Length && path[i] != '.' && path[i] != '[') i++;
                segments.Add(path[start..i]);
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                int end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) break;
                segments.Add(path[(i + 2)..end]);
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                int end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out int index)) break;
                segments.Add(index);
                i = end + 1;
            }
            else
            {
                break;
            }
        }
        return segments;
    }

    private static bool IsPlainName(string name)
    {
        if (name.Length == 0) return false;
        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        }
        return true;
    }

    /// <summary>Reword the reader messages that speak about System.Text.Json itself rather than the document.</summary>
    private static string SyntaxProblem(string message)
    {
        string text = StripLocation(message);
        if (text.Contains("trailing comma", StringComparison.Ordinal))
            return "trailing comma is not allowed";
        if (text.Contains("Expected depth to be zero", StringComparison.Ordinal))
            return "unexpected end of input (an object or array is not closed)";
        return text;
    }

    /// <summary>STJ appends " Path: $.x | LineNumber: 2 | BytePositionInLine: 4." to its messages; we report those ourselves.</summary>
    private static string StripLocation(string message)
    {
        int cut = message.Length;
        foreach (string marker in new[] { " Path: ", " LineNumber: ", " | LineNumber" })
        {
            int at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0 && at < cut) cut = at;
        }
        return message[..cut].TrimEnd().Replace('\n', ' ');
    }
}
