using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace OciSpec;

/// <summary>Hand-written writer for <see cref="Spec"/> (the CLI writes config.json into the state directory and hands it
/// to init on every create): the same bytes as <c>OciJson.Serialize</c> without building the serializer's metadata
/// (~2 ms on a NativeAOT process's first write).</summary>
/// <remarks>Mirrors the generated context: properties in declaration order, nulls omitted (<c>WhenWritingNull</c>),
/// false/0 omitted where the model says <c>WhenWritingDefault</c>, null entries of lists and maps written as null, the
/// relaxed encoder, tab indentation. A null in a non-nullable member is omitted too (the serializer's WhenWritingNull
/// comes before RespectNullableAnnotations). Anything unexpected (an exception from the writer) leaves it to the serializer.</remarks>
internal static partial class FastWriter
{
    public static bool TryWrite(Spec spec, bool indented, out byte[] utf8)
    {
        utf8 = [];
        var buffer = new ArrayBufferWriter<byte>(4096);
        try
        {
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions
            {
                Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
                Indented = indented,
                IndentCharacter = '\t',
                IndentSize = 1,
                SkipValidation = true,
            }))
            {
                WriteSpec(w, spec);
            }
        }
        catch (Exception)
        {
            return false;
        }
        utf8 = buffer.WrittenSpan.ToArray();
        return true;
    }

    // ---- members -------------------------------------------------------------------------------------------------

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
            w.WriteString(name, value);
    }

    /// <summary>A non-nullable string: the serializer's WhenWritingNull omits a null before nullability is looked at.</summary>
    private static void StrReq(Utf8JsonWriter w, string name, string value) => Str(w, name, value);

    private static void Num(Utf8JsonWriter w, string name, long value) => w.WriteNumber(name, value);
    private static void Num(Utf8JsonWriter w, string name, ulong value) => w.WriteNumber(name, value);

    private static void NumN(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    private static void NumN(Utf8JsonWriter w, string name, ulong? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    /// <summary>WhenWritingDefault.</summary>
    private static void NumNonZero(Utf8JsonWriter w, string name, long value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    private static void NumNonZero(Utf8JsonWriter w, string name, ulong value)
    {
        if (value != 0) w.WriteNumber(name, value);
    }

    private static void BoolN(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v) w.WriteBoolean(name, v);
    }

    /// <summary>WhenWritingDefault.</summary>
    private static void True(Utf8JsonWriter w, string name, bool value)
    {
        if (value) w.WriteBoolean(name, true);
    }

    private static void Strings(Utf8JsonWriter w, string name, List<string>? list)
    {
        if (list is null)
            return;
        w.WriteStartArray(name);
        foreach (string? s in list)
        {
            if (s is null) w.WriteNullValue();
            else w.WriteStringValue(s);
        }
        w.WriteEndArray();
    }

    private static void UInts(Utf8JsonWriter w, string name, List<uint>? list)
    {
        if (list is null)
            return;
        w.WriteStartArray(name);
        foreach (uint v in list)
            w.WriteNumberValue(v);
        w.WriteEndArray();
    }

    private static void StringMap(Utf8JsonWriter w, string name, Dictionary<string, string>? map)
    {
        if (map is null)
            return;
        w.WriteStartObject(name);
        foreach (KeyValuePair<string, string> kv in map)
        {
            if (kv.Value is null) w.WriteNull(kv.Key);
            else w.WriteString(kv.Key, kv.Value);
        }
        w.WriteEndObject();
    }

    private static void Objects<T>(Utf8JsonWriter w, string name, List<T>? list, Action<Utf8JsonWriter, T> item) where T : class
    {
        if (list is null)
            return;
        w.WriteStartArray(name);
        foreach (T? v in list)
        {
            if (v is null) w.WriteNullValue();
            else item(w, v);
        }
        w.WriteEndArray();
    }

    private static void ObjectMap<T>(Utf8JsonWriter w, string name, Dictionary<string, T>? map, Action<Utf8JsonWriter, T> item) where T : class
    {
        if (map is null)
            return;
        w.WriteStartObject(name);
        foreach (KeyValuePair<string, T> kv in map)
        {
            w.WritePropertyName(kv.Key);
            if (kv.Value is null) w.WriteNullValue();
            else item(w, kv.Value);
        }
        w.WriteEndObject();
    }

    private static void Obj<T>(Utf8JsonWriter w, string name, T? value, Action<Utf8JsonWriter, T> write) where T : class
    {
        if (value is null)
            return;
        w.WritePropertyName(name);
        write(w, value);
    }

    /// <summary>A non-nullable object: omitted when null, like a nullable one (see <see cref="StrReq"/>).</summary>
    private static void ObjReq<T>(Utf8JsonWriter w, string name, T value, Action<Utf8JsonWriter, T> write) where T : class =>
        Obj(w, name, value, write);
}
