using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>The container configuration (config.json), mirroring specs-go <c>Spec</c>.</summary>
/// <remarks>Only the Linux platform section is modelled; solaris/windows/vm/zos are unknown
/// properties to us and are ignored on read, as the spec requires for unknown properties.</remarks>
public sealed record Spec
{
    /// <summary>specs-go calls this <c>Version</c>; we use the JSON name so it reads the same on both sides.</summary>
    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "";
    [JsonPropertyName("process")] public Process? Process { get; init; }
    [JsonPropertyName("root")] public Root? Root { get; init; }
    [JsonPropertyName("hostname")] public string? Hostname { get; init; }
    [JsonPropertyName("domainname")] public string? Domainname { get; init; }
    [JsonPropertyName("mounts")] public List<Mount>? Mounts { get; init; }
    [JsonPropertyName("hooks")] public Hooks? Hooks { get; init; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }
    [JsonPropertyName("linux")] public Linux? Linux { get; init; }
}
