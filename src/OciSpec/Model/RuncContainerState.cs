using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>What <c>runc state</c> prints (and <c>runc list --format json</c> prints a list of): the OCI state plus
/// rootfs, creation time and owner. containerd's go-runc and podman parse this shape, so <c>ocirun</c> prints it too.</summary>
public sealed record RuncContainerState
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "";
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Not omitted when 0 (runc writes it always).</summary>
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("bundle")] public string Bundle { get; init; } = "";
    [JsonPropertyName("rootfs")] public string Rootfs { get; init; } = "";
    /// <summary>Written as ISO 8601 / RFC 3339, which Go's time.Time reads.</summary>
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }
    /// <summary>User name of the container's owner (runc: the uid's name, or "#uid").</summary>
    [JsonPropertyName("owner")] public string Owner { get; init; } = "";
}
