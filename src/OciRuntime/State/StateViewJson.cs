using System.Text.Json;

namespace OciRuntime.State;

/// <summary>
/// `state` and `list --format json` output, written with the JSON writer: engines call `state` after every
/// create and start, and the serializer's first use (metadata, a fresh context for indented output) cost more than
/// the rest of the command. Property order and null handling are the serializer's, so the bytes are the same.
/// </summary>
internal static class StateViewJson
{
    internal static string Format(StateView v, bool indented) => Write(w => One(w, v), indented);

    internal static string Format(IEnumerable<StateView> views) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var v in views) One(w, v);
        w.WriteEndArray();
    }, indented: false);

    private static string Write(Action<Utf8JsonWriter> body, bool indented)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
            body(w);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void One(Utf8JsonWriter w, StateView v)
    {
        w.WriteStartObject();
        w.WriteString("ociVersion"u8, v.OciVersion);
        w.WriteString("id"u8, v.Id);
        w.WriteNumber("pid"u8, v.Pid);
        w.WriteString("status"u8, v.Status);
        w.WriteString("bundle"u8, v.Bundle);
        if (v.Rootfs is { } rootfs) w.WriteString("rootfs"u8, rootfs);
        if (v.Created is { } created) w.WriteString("created"u8, created);
        if (v.Owner is { } owner) w.WriteString("owner"u8, owner);
        ContainerRecordJson.WriteAnnotations(w, v.Annotations);
        w.WriteEndObject();
    }
}
