using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>A device node to provide inside the container (<c>linux.devices</c>).</summary>
public sealed record LinuxDevice
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    /// <summary><c>c</c>, <c>b</c>, <c>u</c> (unbuffered char) or <c>p</c> (fifo).</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("major")] public long Major { get; init; }
    [JsonPropertyName("minor")] public long Minor { get; init; }
    /// <summary>os.FileMode in Go: permission bits (and, in practice, only those).</summary>
    [JsonPropertyName("fileMode")] public uint? FileMode { get; init; }
    [JsonPropertyName("uid")] public uint? UID { get; init; }
    [JsonPropertyName("gid")] public uint? GID { get; init; }
}
