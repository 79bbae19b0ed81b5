using System.Text.Json;

namespace OciSpec;

/// <summary>Hand-written readers for the documents ocirun reads on every container start (config.json, process.json,
/// resources, state). They build the model straight from a <see cref="Utf8JsonReader"/>, so the first parse in a
/// process does not pay for building System.Text.Json's generated metadata (~2.4 ms under NativeAOT).</summary>
/// <remarks>
/// The readers only have to be right on documents the serializer accepts: on anything unexpected (wrong token type,
/// number out of range, null where the serializer refuses one, a property name that is escaped or not ASCII) they give
/// up and <see cref="OciJson"/> parses again with the serializer, which produces the precise error message.
/// They mirror the serializer's behaviour with the generated <see cref="OciJsonContext"/>, including its quirks:
/// <list type="bullet">
/// <item>Property names match case-insensitively (ASCII only here; anything else falls back), unknown ones are skipped,
/// a duplicate property replaces the earlier value, a duplicate map key replaces the earlier entry in place.</item>
/// <item>Every model property is <c>init</c>-only, which the generated code sets through an object initializer with
/// all members: an ABSENT property gets <c>default(T)</c> (null for <c>string</c>, <c>User</c>, <c>List</c>), not the
/// record's initialiser (dotnet/runtime#84484). The readers do the same.</item>
/// <item>A JSON null is accepted for a nullable member (null), inside arrays and maps (a null entry, whatever the
/// element type's nullability, except value types); it is refused for a non-nullable member (RespectNullableAnnotations).</item>
/// <item>Numbers are read with the same <see cref="Utf8JsonReader"/> TryGet* calls the serializer's converters use,
/// so the range and format rules are the same; strings are never accepted as numbers.</item>
/// </list>
/// The input has already passed <c>JsonErrors.CheckSyntax</c> (well-formed, valid UTF-8, depth at most 64).
/// </remarks>
internal static partial class FastReader
{
    /// <summary>Longest model property name we must recognise is 23 characters (throttleWriteIOPSDevice).</summary>
    private const int NameMax = 32;

    public static bool TryReadSpec(ReadOnlySpan<byte> utf8, out Spec value) => TryRead(utf8, ReadSpec, out value);
    public static bool TryReadProcess(ReadOnlySpan<byte> utf8, out Process value) => TryRead(utf8, ReadProcess, out value);
    public static bool TryReadResources(ReadOnlySpan<byte> utf8, out LinuxResources value) => TryRead(utf8, ReadResources, out value);
    public static bool TryReadState(ReadOnlySpan<byte> utf8, out State value) => TryRead(utf8, ReadState, out value);
    public static bool TryReadContainerProcessState(ReadOnlySpan<byte> utf8, out ContainerProcessState value) =>
        TryRead(utf8, ReadContainerProcessState, out value);

    private delegate T Reader<T>(ref Utf8JsonReader r);

    private static bool TryRead<T>(ReadOnlySpan<byte> utf8, Reader<T> read, out T value) where T : class
    {
        value = null!;
        var r = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Disallow,
            AllowTrailingCommas = false,
        });
        try
        {
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject)
                return false; // null document, wrong root type: the serializer says which
            value = read(ref r);
            // Anything after the root value would have failed CheckSyntax; make sure anyway.
            return !r.Read();
        }
        catch (Exception)
        {
            // Bail (ours), InvalidOperationException/FormatException (reader accessors), JsonException (reader):
            // the serializer will read it again and explain.
            value = null!;
            return false;
        }
    }

    private sealed class BailException : Exception;

    private static BailException Bail() => new();

    // ---- objects -------------------------------------------------------------------------------------------------

    /// <summary>At a value that must be an object: false for null (caller decides), true at StartObject.</summary>
    private static bool ObjectOrNull(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
            return false;
        if (r.TokenType != JsonTokenType.StartObject)
            throw Bail();
        return true;
    }

    /// <summary>Advance to the next property of the current object. Returns the name's length in <paramref name="buf"/>
    /// (ASCII lower-cased; 0 for a name too long to be ours) with the reader on the value, or -1 at the end of the object.</summary>
    private static int NextProperty(ref Utf8JsonReader r, scoped Span<char> buf)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
            return -1;
        if (r.TokenType != JsonTokenType.PropertyName || r.ValueIsEscaped || r.HasValueSequence)
            throw Bail();
        ReadOnlySpan<byte> name = r.ValueSpan;
        int n = 0;
        foreach (byte b in name)
        {
            // Non-ASCII could still match a model name under OrdinalIgnoreCase (the serializer's comparer); leave it to it.
            if (b >= 0x80)
                throw Bail();
        }
        if (name.Length <= buf.Length)
        {
            for (; n < name.Length; n++)
            {
                byte b = name[n];
                buf[n] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b + 32 : b);
            }
        }
        r.Read();
        return n;
    }

    // ---- scalars -------------------------------------------------------------------------------------------------

    /// <summary>A <c>string?</c> member or a string entry of a list/map (null allowed).</summary>
    private static string? Str(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => r.GetString(),
        _ => throw Bail(),
    };

    /// <summary>A non-nullable <c>string</c> member: null is refused.</summary>
    private static string StrReq(ref Utf8JsonReader r) =>
        r.TokenType == JsonTokenType.String ? r.GetString()! : throw Bail();

    private static bool Bool(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Bail(),
    };

    private static bool? BoolN(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : Bool(ref r);

    private static void Number(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.Number)
            throw Bail();
    }

    private static int I32(ref Utf8JsonReader r) { Number(ref r); return r.TryGetInt32(out int v) ? v : throw Bail(); }
    private static uint U32(ref Utf8JsonReader r) { Number(ref r); return r.TryGetUInt32(out uint v) ? v : throw Bail(); }
    private static long I64(ref Utf8JsonReader r) { Number(ref r); return r.TryGetInt64(out long v) ? v : throw Bail(); }
    private static ulong U64(ref Utf8JsonReader r) { Number(ref r); return r.TryGetUInt64(out ulong v) ? v : throw Bail(); }
    private static ushort U16(ref Utf8JsonReader r) { Number(ref r); return r.TryGetUInt16(out ushort v) ? v : throw Bail(); }

    private static int? I32N(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : I32(ref r);
    private static uint? U32N(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : U32(ref r);
    private static long? I64N(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : I64(ref r);
    private static ulong? U64N(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : U64(ref r);
    private static ushort? U16N(ref Utf8JsonReader r) => r.TokenType == JsonTokenType.Null ? null : U16(ref r);

    // ---- collections ---------------------------------------------------------------------------------------------

    /// <summary>At a value that must be an array: false for null, true at StartArray.</summary>
    private static bool ArrayOrNull(ref Utf8JsonReader r)
    {
        if (r.TokenType == JsonTokenType.Null)
            return false;
        if (r.TokenType != JsonTokenType.StartArray)
            throw Bail();
        return true;
    }

    /// <summary>Move to the next array element; false at the end of the array.</summary>
    private static bool NextElement(ref Utf8JsonReader r)
    {
        r.Read();
        return r.TokenType != JsonTokenType.EndArray;
    }

    private static List<string>? Strings(ref Utf8JsonReader r)
    {
        if (!ArrayOrNull(ref r))
            return null;
        var list = new List<string>();
        while (NextElement(ref r))
            list.Add(Str(ref r)!);
        return list;
    }

    private static List<uint>? UInts(ref Utf8JsonReader r)
    {
        if (!ArrayOrNull(ref r))
            return null;
        var list = new List<uint>();
        while (NextElement(ref r))
            list.Add(U32(ref r));
        return list;
    }

    /// <summary>A list of objects; a null element stays a null entry (the validator names it).</summary>
    private static List<T>? Objects<T>(ref Utf8JsonReader r, Reader<T> item) where T : class
    {
        if (!ArrayOrNull(ref r))
            return null;
        var list = new List<T>();
        while (NextElement(ref r))
            list.Add(ObjectOrNull(ref r) ? item(ref r) : null!);
        return list;
    }

    /// <summary>At a map key (or the end of the map): the key, unescaped, with the reader on the value; null at the end.</summary>
    private static string? NextKey(ref Utf8JsonReader r)
    {
        r.Read();
        if (r.TokenType == JsonTokenType.EndObject)
            return null;
        if (r.TokenType != JsonTokenType.PropertyName)
            throw Bail();
        string key = r.GetString()!;
        r.Read();
        return key;
    }

    private static Dictionary<string, string>? StringMap(ref Utf8JsonReader r)
    {
        if (!ObjectOrNull(ref r))
            return null;
        var map = new Dictionary<string, string>();
        while (NextKey(ref r) is { } key)
            map[key] = Str(ref r)!;
        return map;
    }

    private static Dictionary<string, T>? ObjectMap<T>(ref Utf8JsonReader r, Reader<T> item) where T : class
    {
        if (!ObjectOrNull(ref r))
            return null;
        var map = new Dictionary<string, T>();
        while (NextKey(ref r) is { } key)
            map[key] = ObjectOrNull(ref r) ? item(ref r) : null!;
        return map;
    }

    /// <summary>A nullable object member.</summary>
    private static T? Obj<T>(ref Utf8JsonReader r, Reader<T> read) where T : class =>
        ObjectOrNull(ref r) ? read(ref r) : null;

    /// <summary>A non-nullable object member: null is refused.</summary>
    private static T ObjReq<T>(ref Utf8JsonReader r, Reader<T> read) where T : class =>
        ObjectOrNull(ref r) ? read(ref r) : throw Bail();
}
