using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>cgroup limits (<c>linux.resources</c>; also the <c>update --resources</c> document).</summary>
public sealed record LinuxResources
{
    [JsonPropertyName("devices")] public List<LinuxDeviceCgroup>? Devices { get; init; }
    [JsonPropertyName("memory")] public LinuxMemory? Memory { get; init; }
    [JsonPropertyName("cpu")] public LinuxCPU? CPU { get; init; }
    [JsonPropertyName("pids")] public LinuxPids? Pids { get; init; }
    [JsonPropertyName("blockIO")] public LinuxBlockIO? BlockIO { get; init; }
    [JsonPropertyName("hugepageLimits")] public List<LinuxHugepageLimit>? HugepageLimits { get; init; }
    [JsonPropertyName("network")] public LinuxNetwork? Network { get; init; }
    /// <summary>Keyed by RDMA device name.</summary>
    [JsonPropertyName("rdma")] public Dictionary<string, LinuxRdma>? Rdma { get; init; }
    /// <summary>cgroup v2 file name to value, written as is.</summary>
    [JsonPropertyName("unified")] public Dictionary<string, string>? Unified { get; init; }
}

/// <summary>One device-controller rule; null type/major/minor mean "all".</summary>
public sealed record LinuxDeviceCgroup
{
    [JsonPropertyName("allow")] public bool Allow { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("major")] public long? Major { get; init; }
    [JsonPropertyName("minor")] public long? Minor { get; init; }
    [JsonPropertyName("access")] public string? Access { get; init; }
}

/// <summary>Memory controller; byte values, -1 meaning unlimited.</summary>
public sealed record LinuxMemory
{
    [JsonPropertyName("limit")] public long? Limit { get; init; }
    [JsonPropertyName("reservation")] public long? Reservation { get; init; }
    [JsonPropertyName("swap")] public long? Swap { get; init; }
    /// <summary>Deprecated by the spec (kernel 5.4 dropped kmem limits); parsed so old configs load.</summary>
    [JsonPropertyName("kernel")] public long? Kernel { get; init; }
    [JsonPropertyName("kernelTCP")] public long? KernelTCP { get; init; }
    [JsonPropertyName("swappiness")] public ulong? Swappiness { get; init; }
    [JsonPropertyName("disableOOMKiller")] public bool? DisableOOMKiller { get; init; }
    [JsonPropertyName("useHierarchy")] public bool? UseHierarchy { get; init; }
    [JsonPropertyName("checkBeforeUpdate")] public bool? CheckBeforeUpdate { get; init; }
}

/// <summary>cpu and cpuset controllers.</summary>
public sealed record LinuxCPU
{
    [JsonPropertyName("shares")] public ulong? Shares { get; init; }
    [JsonPropertyName("quota")] public long? Quota { get; init; }
    [JsonPropertyName("burst")] public ulong? Burst { get; init; }
    [JsonPropertyName("period")] public ulong? Period { get; init; }
    [JsonPropertyName("realtimeRuntime")] public long? RealtimeRuntime { get; init; }
    [JsonPropertyName("realtimePeriod")] public ulong? RealtimePeriod { get; init; }
    [JsonPropertyName("cpus")] public string? Cpus { get; init; }
    [JsonPropertyName("mems")] public string? Mems { get; init; }
    [JsonPropertyName("idle")] public long? Idle { get; init; }
}

/// <summary>pids controller. runtime-spec 1.3 made the limit optional (a pointer in specs-go): null leaves pids.max
/// alone, -1 means "max", and 0 is a real limit of zero (runc before 1.3 read 0 as "unset").</summary>
public sealed record LinuxPids
{
    [JsonPropertyName("limit")] public long? Limit { get; init; }
}

/// <summary>blkio (v1) / io (v2) controller.</summary>
public sealed record LinuxBlockIO
{
    [JsonPropertyName("weight")] public ushort? Weight { get; init; }
    [JsonPropertyName("leafWeight")] public ushort? LeafWeight { get; init; }
    [JsonPropertyName("weightDevice")] public List<LinuxWeightDevice>? WeightDevice { get; init; }
    [JsonPropertyName("throttleReadBpsDevice")] public List<LinuxThrottleDevice>? ThrottleReadBpsDevice { get; init; }
    [JsonPropertyName("throttleWriteBpsDevice")] public List<LinuxThrottleDevice>? ThrottleWriteBpsDevice { get; init; }
    [JsonPropertyName("throttleReadIOPSDevice")] public List<LinuxThrottleDevice>? ThrottleReadIOPSDevice { get; init; }
    [JsonPropertyName("throttleWriteIOPSDevice")] public List<LinuxThrottleDevice>? ThrottleWriteIOPSDevice { get; init; }
}

/// <summary>Per-device weight. specs-go embeds LinuxBlockIODevice; we flatten Major/Minor, which is the same JSON.</summary>
public sealed record LinuxWeightDevice
{
    [JsonPropertyName("major")] public long Major { get; init; }
    [JsonPropertyName("minor")] public long Minor { get; init; }
    [JsonPropertyName("weight")] public ushort? Weight { get; init; }
    [JsonPropertyName("leafWeight")] public ushort? LeafWeight { get; init; }
}

/// <summary>Per-device rate limit (bytes or IOs per second).</summary>
public sealed record LinuxThrottleDevice
{
    [JsonPropertyName("major")] public long Major { get; init; }
    [JsonPropertyName("minor")] public long Minor { get; init; }
    [JsonPropertyName("rate")] public ulong Rate { get; init; }
}

/// <summary>hugetlb controller; Pagesize like <c>2MB</c>.</summary>
public sealed record LinuxHugepageLimit
{
    [JsonPropertyName("pageSize")] public string Pagesize { get; init; } = "";
    [JsonPropertyName("limit")] public ulong Limit { get; init; }
}

/// <summary>net_cls / net_prio controllers (v1 only).</summary>
public sealed record LinuxNetwork
{
    [JsonPropertyName("classID")] public uint? ClassID { get; init; }
    [JsonPropertyName("priorities")] public List<LinuxInterfacePriority>? Priorities { get; init; }
}

/// <summary>net_prio priority for one interface.</summary>
public sealed record LinuxInterfacePriority
{
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("priority")] public uint Priority { get; init; }
}

/// <summary>rdma controller limits for one device.</summary>
public sealed record LinuxRdma
{
    [JsonPropertyName("hcaHandles")] public uint? HcaHandles { get; init; }
    [JsonPropertyName("hcaObjects")] public uint? HcaObjects { get; init; }
}
