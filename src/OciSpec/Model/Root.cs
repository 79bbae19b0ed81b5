using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>The container's root filesystem.</summary>
public sealed record Root
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("readonly"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Readonly { get; init; }
}

/// <summary>One entry of <c>mounts</c>.</summary>
public sealed record Mount
{
    [JsonPropertyName("destination")] public string Destination { get; init; } = "";
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("options")] public List<string>? Options { get; init; }
    /// <summary>Id-mapped mount (mount_setattr MOUNT_ATTR_IDMAP).</summary>
    [JsonPropertyName("uidMappings")] public List<LinuxIDMapping>? UidMappings { get; init; }
    [JsonPropertyName("gidMappings")] public List<LinuxIDMapping>? GidMappings { get; init; }
}
