using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>The Linux platform section (config-linux.md).</summary>
public sealed record Linux
{
    [JsonPropertyName("uidMappings")] public List<LinuxIDMapping>? UidMappings { get; init; }
    [JsonPropertyName("gidMappings")] public List<LinuxIDMapping>? GidMappings { get; init; }
    [JsonPropertyName("sysctl")] public Dictionary<string, string>? Sysctl { get; init; }
    [JsonPropertyName("resources")] public LinuxResources? Resources { get; init; }
    [JsonPropertyName("cgroupsPath")] public string? CgroupsPath { get; init; }
    [JsonPropertyName("namespaces")] public List<LinuxNamespace>? Namespaces { get; init; }
    [JsonPropertyName("devices")] public List<LinuxDevice>? Devices { get; init; }
    [JsonPropertyName("seccomp")] public LinuxSeccomp? Seccomp { get; init; }
    [JsonPropertyName("rootfsPropagation")] public string? RootfsPropagation { get; init; }
    [JsonPropertyName("maskedPaths")] public List<string>? MaskedPaths { get; init; }
    [JsonPropertyName("readonlyPaths")] public List<string>? ReadonlyPaths { get; init; }
    [JsonPropertyName("mountLabel")] public string? MountLabel { get; init; }
    [JsonPropertyName("intelRdt")] public LinuxIntelRdt? IntelRdt { get; init; }
    [JsonPropertyName("personality")] public LinuxPersonality? Personality { get; init; }
    /// <summary>Keyed by clock name: <c>boottime</c> or <c>monotonic</c>.</summary>
    [JsonPropertyName("timeOffsets")] public Dictionary<string, LinuxTimeOffset>? TimeOffsets { get; init; }
    [JsonPropertyName("memoryPolicy")] public LinuxMemoryPolicy? MemoryPolicy { get; init; }
    /// <summary>Host interface name to the device's settings inside the container.</summary>
    [JsonPropertyName("netDevices")] public Dictionary<string, LinuxNetDevice>? NetDevices { get; init; }
}

/// <summary>A namespace to create (no path) or join (path). Type stays a string so validation can name a bad value;
/// use <see cref="NamespaceKinds.TryParse"/> for the typed form.</summary>
public sealed record LinuxNamespace
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("path")] public string? Path { get; init; }
}

/// <summary>One line of a uid_map/gid_map.</summary>
public sealed record LinuxIDMapping
{
    [JsonPropertyName("containerID")] public uint ContainerID { get; init; }
    [JsonPropertyName("hostID")] public uint HostID { get; init; }
    [JsonPropertyName("size")] public uint Size { get; init; }
}

/// <summary>Clock offset for a time namespace.</summary>
public sealed record LinuxTimeOffset
{
    [JsonPropertyName("secs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long Secs { get; init; }
    [JsonPropertyName("nanosecs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public uint Nanosecs { get; init; }
}

/// <summary>personality(2) domain (<c>LINUX</c> or <c>LINUX32</c>); no flags are defined yet.</summary>
public sealed record LinuxPersonality
{
    [JsonPropertyName("domain")] public string Domain { get; init; } = "";
    [JsonPropertyName("flags")] public List<string>? Flags { get; init; }
}

/// <summary>set_mempolicy(2) for the container process: mode <c>MPOL_*</c>, nodes as a cpuset-style list.</summary>
public sealed record LinuxMemoryPolicy
{
    [JsonPropertyName("mode")] public string Mode { get; init; } = "";
    /// <summary>Optional in the spec: MPOL_DEFAULT and MPOL_LOCAL take none.</summary>
    [JsonPropertyName("nodes")] public string? Nodes { get; init; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; init; }
}

/// <summary>A host network device moved into the container's network namespace, optionally renamed.</summary>
public sealed record LinuxNetDevice
{
    [JsonPropertyName("name")] public string? Name { get; init; }
}

/// <summary>Intel RDT (resctrl) settings.</summary>
public sealed record LinuxIntelRdt
{
    [JsonPropertyName("closID")] public string? ClosID { get; init; }
    /// <summary>Lines written to the resctrl schemata file, after the two schema fields below (runtime-spec 1.3).</summary>
    [JsonPropertyName("schemata")] public List<string>? Schemata { get; init; }
    [JsonPropertyName("l3CacheSchema")] public string? L3CacheSchema { get; init; }
    [JsonPropertyName("memBwSchema")] public string? MemBwSchema { get; init; }
    /// <summary>Create a resctrl monitoring group for the container (runtime-spec 1.3; replaces enableCMT/enableMBM).</summary>
    [JsonPropertyName("enableMonitoring"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EnableMonitoring { get; init; }
    /// <summary>runtime-spec 1.2; read as "enable monitoring".</summary>
    [JsonPropertyName("enableCMT"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EnableCMT { get; init; }
    /// <summary>runtime-spec 1.2; read as "enable monitoring".</summary>
    [JsonPropertyName("enableMBM"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool EnableMBM { get; init; }
}
