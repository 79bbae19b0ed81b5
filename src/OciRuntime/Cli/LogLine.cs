using System.Text.Json.Serialization;

namespace OciRuntime;

/// <summary>One line of --log-format json, in the shape runc writes and containerd's shim reads.</summary>
internal sealed record LogLine(
    [property: JsonPropertyName("level")] string Level,
    [property: JsonPropertyName("msg")] string Msg,
    [property: JsonPropertyName("time")] string Time);
