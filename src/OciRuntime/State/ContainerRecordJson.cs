using System.Text.Json;

namespace OciRuntime.State;

/// <summary>
/// state.json by hand with the JSON reader and writer: the same document the source-generated serializer made
/// (camelCase, nulls left out), without building the serializer's metadata on every create, start and delete,
/// where it was the largest single cost of ocirun's own bookkeeping.
/// </summary>
internal static class ContainerRecordJson
{
    internal static byte[] Write(ContainerRecord r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id"u8, r.Id);
            w.WriteNumber("pid"u8, r.Pid);
            w.WriteNumber("pidStartTime"u8, r.PidStartTime);
            w.WriteString("bundle"u8, r.Bundle);
            w.WriteString("rootfs"u8, r.Rootfs);
            w.WriteString("created"u8, r.Created);
            w.WriteString("owner"u8, r.Owner);
            WriteAnnotations(w, r.Annotations);
            if (r.CgroupPath is { } cgroup) w.WriteString("cgroupPath"u8, cgroup);
            w.WriteBoolean("complete"u8, r.Complete);
            w.WriteBoolean("useInit"u8, r.UseInit);
            w.WriteBoolean("systemd"u8, r.Systemd);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>"annotations" as state.json and the state output both carry it; nothing when null.</summary>
    internal static void WriteAnnotations(Utf8JsonWriter w, Dictionary<string, string>? annotations)
    {
        if (annotations is null) return;
        w.WriteStartObject("annotations"u8);
        foreach (var (k, v) in annotations) w.WriteString(k, v);
        w.WriteEndObject();
    }

    /// <summary>The record, or null for a JSON null; a JsonException names what is wrong.</summary>
    internal static ContainerRecord? Read(ReadOnlySpan<byte> utf8)
    {
        var rd = new Utf8JsonReader(utf8, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!rd.Read()) throw new JsonException("empty document");
        if (rd.TokenType == JsonTokenType.Null) return End(ref rd, null);
        if (rd.TokenType != JsonTokenType.StartObject) throw new JsonException($"expected an object, found {rd.TokenType}");
        string? id = null, bundle = null, rootfs = null, owner = null, cgroup = null;
        int pid = 0;
        ulong start = 0;
        DateTimeOffset created = default;
        Dictionary<string, string>? annotations = null;
        bool complete = false, useInit = false, systemd = false;
        while (rd.Read() && rd.TokenType == JsonTokenType.PropertyName)
        {
            string name = rd.GetString()!;
            rd.Read();
            switch (name)
            {
                case "id": id = Str(ref rd, name); break;
                case "pid": pid = Expect(ref rd, JsonTokenType.Number, name).GetInt32(); break;
                case "pidStartTime": start = Expect(ref rd, JsonTokenType.Number, name).GetUInt64(); break;
                case "bundle": bundle = Str(ref rd, name); break;
                case "rootfs": rootfs = Str(ref rd, name); break;
                case "created": created = Expect(ref rd, JsonTokenType.String, name).GetDateTimeOffset(); break;
                case "owner": owner = Str(ref rd, name); break;
                case "annotations": annotations = Map(ref rd); break;
                case "cgroupPath": cgroup = Str(ref rd, name); break;
                case "complete": complete = Bool(ref rd, name); break;
                case "useInit": useInit = Bool(ref rd, name); break;
                case "systemd": systemd = Bool(ref rd, name); break;
                default: rd.Skip(); break;
            }
        }
        if (rd.TokenType != JsonTokenType.EndObject) throw new JsonException($"expected a property name, found {rd.TokenType}");
        if (id is null || bundle is null || rootfs is null)
            throw new JsonException("missing required properties: id, bundle and rootfs");
        var record = new ContainerRecord
        {
            Id = id, Pid = pid, PidStartTime = start, Bundle = bundle, Rootfs = rootfs, Created = created,
            Owner = owner ?? "", Annotations = annotations, CgroupPath = cgroup, Complete = complete,
            UseInit = useInit, Systemd = systemd,
        };
        return End(ref rd, record);
    }

    private static ContainerRecord? End(ref Utf8JsonReader rd, ContainerRecord? value)
    {
        if (rd.Read()) throw new JsonException($"unexpected {rd.TokenType} after the document");
        return value;
    }

    private static ref Utf8JsonReader Expect(ref Utf8JsonReader rd, JsonTokenType type, string name)
    {
        if (rd.TokenType != type) throw new JsonException($"{name}: expected {type}, found {rd.TokenType}");
        return ref rd;
    }

    private static string? Str(ref Utf8JsonReader rd, string name) =>
        rd.TokenType == JsonTokenType.Null ? null : Expect(ref rd, JsonTokenType.String, name).GetString();

    private static bool Bool(ref Utf8JsonReader rd, string name) => rd.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw new JsonException($"{name}: expected a boolean, found {rd.TokenType}"),
    };

    private static Dictionary<string, string>? Map(ref Utf8JsonReader rd)
    {
        if (rd.TokenType == JsonTokenType.Null) return null;
        Expect(ref rd, JsonTokenType.StartObject, "annotations");
        var map = new Dictionary<string, string>();
        while (rd.Read() && rd.TokenType == JsonTokenType.PropertyName)
        {
            string key = rd.GetString()!;
            rd.Read();
            map[key] = Expect(ref rd, JsonTokenType.String, $"annotations.{key}").GetString()!;
        }
        return map;
    }
}
