using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>Lifecycle hooks, each list run in order.</summary>
public sealed record Hooks
{
    /// <summary>Deprecated by the spec but still used by docker/containerd setups; run as createRuntime.</summary>
    [JsonPropertyName("prestart")] public List<Hook>? Prestart { get; init; }
    [JsonPropertyName("createRuntime")] public List<Hook>? CreateRuntime { get; init; }
    [JsonPropertyName("createContainer")] public List<Hook>? CreateContainer { get; init; }
    [JsonPropertyName("startContainer")] public List<Hook>? StartContainer { get; init; }
    [JsonPropertyName("poststart")] public List<Hook>? Poststart { get; init; }
    [JsonPropertyName("poststop")] public List<Hook>? Poststop { get; init; }
}

/// <summary>One hook command. <c>Timeout</c> is in seconds.</summary>
public sealed record Hook
{
    [JsonPropertyName("path")] public string Path { get; init; } = "";
    [JsonPropertyName("args")] public List<string>? Args { get; init; }
    [JsonPropertyName("env")] public List<string>? Env { get; init; }
    [JsonPropertyName("timeout")] public int? Timeout { get; init; }
}
