using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OciSpec;

/// <summary>Read and write the OCI documents. Every read failure is a <see cref="SpecFormatException"/>.</summary>
public static class OciJson
{
    // Reading tries FastReader first and falls back to the generated default context (its metadata is built on first
    // use, ~2.4 ms under NativeAOT, so it is only touched when FastReader gives up; a copy of the options
    // would build it all again, a measurable part of a container's start). Writing uses two immutable contexts
    // built from the generated options. The relaxed encoder keeps '+', '\''
    // and non-ASCII readable (STJ escapes them by default; the output is still valid JSON). Indented output uses
    // one tab per level, which is what `runc spec` (Go's json.MarshalIndent with "\t") writes.
    private static OciJsonContext Compact => CompactContext.Value;
    private static OciJsonContext Indented => IndentedContext.Value;

    // Lazy: a command that only reads (most do) never builds them.
    private static readonly Lazy<OciJsonContext> CompactContext = new(() => new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }));

    private static readonly Lazy<OciJsonContext> IndentedContext = new(() => new(new JsonSerializerOptions(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
        IndentCharacter = '\t',
        IndentSize = 1,
    }));

    /// <summary>Parse config.json. <paramref name="source"/> names the document in messages.</summary>
    public static Spec ParseSpec(ReadOnlySpan<byte> utf8, string source = "config.json") =>
        Parse(utf8, static () => OciJsonContext.Default.Spec, source, FastReader.TryReadSpec);

    /// <summary>Parse a process document (<c>exec --process</c>).</summary>
    public static Process ParseProcess(ReadOnlySpan<byte> utf8, string source = "process.json") =>
        Parse(utf8, static () => OciJsonContext.Default.Process, source, FastReader.TryReadProcess);

    /// <summary>Parse a resources document (<c>update --resources</c>).</summary>
    public static LinuxResources ParseResources(ReadOnlySpan<byte> utf8, string source = "resources.json") =>
        Parse(utf8, static () => OciJsonContext.Default.LinuxResources, source, FastReader.TryReadResources);

    public static State ParseState(ReadOnlySpan<byte> utf8, string source = "state.json") =>
        Parse(utf8, static () => OciJsonContext.Default.State, source, FastReader.TryReadState);

    public static ContainerProcessState ParseContainerProcessState(ReadOnlySpan<byte> utf8, string source = "container process state") =>
        Parse(utf8, static () => OciJsonContext.Default.ContainerProcessState, source, FastReader.TryReadContainerProcessState);

    public static RuncContainerState ParseRuncContainerState(ReadOnlySpan<byte> utf8, string source = "state") =>
        Parse(utf8, static () => OciJsonContext.Default.RuncContainerState, source);

    public static Features ParseFeatures(ReadOnlySpan<byte> utf8, string source = "features.json") =>
        Parse(utf8, static () => OciJsonContext.Default.Features, source);

    // The hand-written writer gives the same bytes without building a writing context (the CLI writes the spec on
    // every create); a null where the model refuses one is left to the serializer, which throws as before.
    public static byte[] Serialize(Spec value, bool indented = false) =>
        value is not null && FastWriter.TryWrite(value, indented, out byte[] utf8)
            ? utf8
            : JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).Spec);

    public static byte[] Serialize(Process value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).Process);

    public static byte[] Serialize(LinuxResources value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).LinuxResources);

    public static byte[] Serialize(State value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).State);

    public static byte[] Serialize(List<State> value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).ListState);

    public static byte[] Serialize(ContainerProcessState value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).ContainerProcessState);

    public static byte[] Serialize(RuncContainerState value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).RuncContainerState);

    public static byte[] Serialize(List<RuncContainerState> value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).ListRuncContainerState);

    public static byte[] Serialize(Features value, bool indented = false) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (indented ? Indented : Compact).Features);

    private delegate bool FastTry<T>(ReadOnlySpan<byte> utf8, out T value);

    // The type info is asked for only when the serializer runs: getting it from the generated context builds the
    // context's options and the type's metadata, ~2 ms on a NativeAOT process's first parse (the fast path avoids it).
    private static T Parse<T>(ReadOnlySpan<byte> utf8, Func<JsonTypeInfo<T>> getTypeInfo, string source, FastTry<T>? fast = null) where T : class
    {
        // RFC 8259 lets a parser ignore a UTF-8 byte order mark; editors on some systems add one.
        if (utf8.StartsWith(Utf8Bom))
            utf8 = utf8[Utf8Bom.Length..];
        if (IsBlank(utf8))
            throw new SpecFormatException($"{source} is empty", "");

        // Syntax first, with a bare reader: its errors carry a line number and no misleading path, and once the
        // text is known to be well-formed every later JsonException is about types, which we can describe precisely.
        JsonErrors.CheckSyntax(utf8, source);

        // The hand-written reader gives the same result without building the serializer's metadata (most of the cost
        // of a first parse in a process); on anything it does not expect, the serializer reads again and explains.
        if (fast is not null && fast(utf8, out T quick))
            return quick;

        JsonTypeInfo<T> typeInfo = getTypeInfo();
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8, typeInfo);
        }
        catch (JsonException ex)
        {
            throw JsonErrors.Describe(ex, utf8, typeInfo, source);
        }
        return value ?? throw new SpecFormatException($"{source}: expected object, got null", "");
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static bool IsBlank(ReadOnlySpan<byte> utf8)
    {
        foreach (byte b in utf8)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
                return false;
        }
        return true;
    }
}
