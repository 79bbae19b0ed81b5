using System.Text.Json.Serialization;

namespace OciRuntime.State;

/// <summary>What `state` and `list --format json` print: the OCI state plus runc's extra fields.</summary>
internal sealed record StateView
{
    [JsonPropertyName("ociVersion")] public required string OciVersion { get; init; }
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("status")] public required string Status { get; init; }
    [JsonPropertyName("bundle")] public required string Bundle { get; init; }
    [JsonPropertyName("rootfs")] public string? Rootfs { get; init; }
    [JsonPropertyName("created")] public DateTimeOffset Created { get; init; }
    [JsonPropertyName("owner")] public string? Owner { get; init; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }

    internal static StateView Of(ContainerRecord r, LifecycleStatus s) => new()
    {
        OciVersion = RuntimeInfo.OciVersion,
        Id = r.Id,
        Pid = s == LifecycleStatus.Stopped ? 0 : r.Pid,
        Status = s.ToSpec(),
        Bundle = r.Bundle,
        Rootfs = r.Rootfs,
        Created = r.Created,
        Owner = r.Owner,
        Annotations = r.Annotations,
    };
}
