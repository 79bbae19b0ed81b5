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
    /// <summary>Null for an entry without a readable record: its time is not known, and is not made up.</summary>
    [JsonPropertyName("created")] public DateTimeOffset? Created { get; init; }
    [JsonPropertyName("owner")] public string? Owner { get; init; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }

    /// <summary>An entry that holds no readable record (<see cref="DamagedState"/>): stopped, as nothing of it can
    /// run, with no pid, bundle or time to show.</summary>
    internal static StateView OfDamaged(string id) =>
        new() { OciVersion = RuntimeInfo.OciVersion, Id = id, Status = LifecycleStatus.Stopped.ToSpec(), Bundle = "" };

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
