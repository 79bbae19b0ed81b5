using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>The runtime state document (runtime.md "State"), given to hooks on stdin and printed by <c>state</c>.</summary>
public sealed record State
{
    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "";
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>One of <see cref="ContainerStatus"/>.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    /// <summary>Go's <c>int omitempty</c>: 0 (no process) is not written.</summary>
    [JsonPropertyName("pid"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Pid { get; init; }
    [JsonPropertyName("bundle")] public string Bundle { get; init; } = "";
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }
}

/// <summary>The status values of <see cref="State.Status"/>.</summary>
public static class ContainerStatus
{
    public const string Creating = "creating";
    public const string Created = "created";
    public const string Running = "running";
    public const string Stopped = "stopped";
    /// <summary>Not in the spec; runc reports it for a frozen cgroup and tools expect it.</summary>
    public const string Paused = "paused";
}

/// <summary>Sent with the seccomp notify fd over <c>linux.seccomp.listenerPath</c>.</summary>
public sealed record ContainerProcessState
{
    /// <summary>Name of the seccomp notify fd in <see cref="Fds"/>.</summary>
    public const string SeccompFdName = "seccompFd";

    [JsonPropertyName("ociVersion")] public string OciVersion { get; init; } = "";
    [JsonPropertyName("fds")] public List<string> Fds { get; init; } = [];
    [JsonPropertyName("pid")] public int Pid { get; init; }
    [JsonPropertyName("metadata")] public string? Metadata { get; init; }
    [JsonPropertyName("state")] public State State { get; init; } = new();
}
