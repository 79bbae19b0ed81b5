using System.Text.Json.Serialization;

namespace OciSpec;

// The features document (features.md; specs-go/features). In specs-go these live in their own package with
// short names (Linux, Cgroup, ...); here they carry a "Features" suffix so they don't clash with the config types.
// Every field is optional: null means "unknown", not "unsupported".

/// <summary>What <c>ocirun features</c> prints.</summary>
public sealed record Features
{
    [JsonPropertyName("ociVersionMin")] public string? OciVersionMin { get; init; }
    [JsonPropertyName("ociVersionMax")] public string? OciVersionMax { get; init; }
    [JsonPropertyName("hooks")] public List<string>? Hooks { get; init; }
    [JsonPropertyName("mountOptions")] public List<string>? MountOptions { get; init; }
    [JsonPropertyName("linux")] public LinuxFeatures? Linux { get; init; }
    [JsonPropertyName("annotations")] public Dictionary<string, string>? Annotations { get; init; }
    /// <summary>A value ending in "." is a prefix.</summary>
    [JsonPropertyName("potentiallyUnsafeConfigAnnotations")] public List<string>? PotentiallyUnsafeConfigAnnotations { get; init; }
}

public sealed record LinuxFeatures
{
    [JsonPropertyName("namespaces")] public List<string>? Namespaces { get; init; }
    [JsonPropertyName("capabilities")] public List<string>? Capabilities { get; init; }
    [JsonPropertyName("cgroup")] public CgroupFeatures? Cgroup { get; init; }
    [JsonPropertyName("seccomp")] public SeccompFeatures? Seccomp { get; init; }
    [JsonPropertyName("apparmor")] public EnabledFeature? Apparmor { get; init; }
    [JsonPropertyName("selinux")] public EnabledFeature? Selinux { get; init; }
    [JsonPropertyName("intelRdt")] public IntelRdtFeatures? IntelRdt { get; init; }
    [JsonPropertyName("memoryPolicy")] public MemoryPolicyFeatures? MemoryPolicy { get; init; }
    [JsonPropertyName("mountExtensions")] public MountExtensionsFeatures? MountExtensions { get; init; }
    [JsonPropertyName("netDevices")] public EnabledFeature? NetDevices { get; init; }
}

/// <summary>The <c>{"enabled": bool}</c> shape shared by apparmor, selinux, netDevices and idmap.</summary>
public sealed record EnabledFeature
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }
}

public sealed record CgroupFeatures
{
    [JsonPropertyName("v1")] public bool? V1 { get; init; }
    [JsonPropertyName("v2")] public bool? V2 { get; init; }
    [JsonPropertyName("systemd")] public bool? Systemd { get; init; }
    [JsonPropertyName("systemdUser")] public bool? SystemdUser { get; init; }
    [JsonPropertyName("rdma")] public bool? Rdma { get; init; }
}

public sealed record SeccompFeatures
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }
    [JsonPropertyName("actions")] public List<string>? Actions { get; init; }
    [JsonPropertyName("operators")] public List<string>? Operators { get; init; }
    [JsonPropertyName("archs")] public List<string>? Archs { get; init; }
    [JsonPropertyName("knownFlags")] public List<string>? KnownFlags { get; init; }
    [JsonPropertyName("supportedFlags")] public List<string>? SupportedFlags { get; init; }
}

public sealed record IntelRdtFeatures
{
    [JsonPropertyName("enabled")] public bool? Enabled { get; init; }
    /// <summary>Whether <c>linux.intelRdt.schemata</c> is implemented.</summary>
    [JsonPropertyName("schemata")] public bool? Schemata { get; init; }
    /// <summary>Whether <c>linux.intelRdt.enableMonitoring</c> is implemented.</summary>
    [JsonPropertyName("monitoring")] public bool? Monitoring { get; init; }
}

public sealed record MemoryPolicyFeatures
{
    [JsonPropertyName("modes")] public List<string>? Modes { get; init; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; init; }
}

public sealed record MountExtensionsFeatures
{
    [JsonPropertyName("idmap")] public EnabledFeature? IDMap { get; init; }
}
