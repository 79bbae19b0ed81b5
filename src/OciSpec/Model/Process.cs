using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>The container process (config.md "process"; also the <c>exec --process</c> document).</summary>
public sealed record Process
{
    // Go's `bool omitempty`: false is not written, so our output matches runc's byte for byte.
    [JsonPropertyName("terminal"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Terminal { get; init; }
    [JsonPropertyName("consoleSize")] public Box? ConsoleSize { get; init; }
    /// <summary>A value (not a pointer) in specs-go, so always present.</summary>
    [JsonPropertyName("user")] public User User { get; init; } = new();
    [JsonPropertyName("args")] public List<string>? Args { get; init; }
    /// <summary>Windows only; kept so a config written for Windows still round-trips.</summary>
    [JsonPropertyName("commandLine")] public string? CommandLine { get; init; }
    [JsonPropertyName("env")] public List<string>? Env { get; init; }
    [JsonPropertyName("cwd")] public string Cwd { get; init; } = "";
    [JsonPropertyName("capabilities")] public LinuxCapabilities? Capabilities { get; init; }
    [JsonPropertyName("rlimits")] public List<PosixRlimit>? Rlimits { get; init; }
    [JsonPropertyName("noNewPrivileges"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool NoNewPrivileges { get; init; }
    [JsonPropertyName("apparmorProfile")] public string? ApparmorProfile { get; init; }
    [JsonPropertyName("oomScoreAdj")] public int? OomScoreAdj { get; init; }
    [JsonPropertyName("scheduler")] public Scheduler? Scheduler { get; init; }
    [JsonPropertyName("selinuxLabel")] public string? SelinuxLabel { get; init; }
    [JsonPropertyName("ioPriority")] public LinuxIOPriority? IoPriority { get; init; }
    [JsonPropertyName("execCPUAffinity")] public CPUAffinity? ExecCPUAffinity { get; init; }
}

/// <summary>Console size in characters.</summary>
public sealed record Box
{
    [JsonPropertyName("height")] public uint Height { get; init; }
    [JsonPropertyName("width")] public uint Width { get; init; }
}

/// <summary>Identity of the container process.</summary>
public sealed record User
{
    [JsonPropertyName("uid")] public uint Uid { get; init; }
    [JsonPropertyName("gid")] public uint Gid { get; init; }
    [JsonPropertyName("umask")] public uint? Umask { get; init; }
    [JsonPropertyName("additionalGids")] public List<uint>? AdditionalGids { get; init; }
    /// <summary>Windows only.</summary>
    [JsonPropertyName("username")] public string? Username { get; init; }
}

/// <summary>Capability sets by name (<c>CAP_*</c>); see <see cref="Capabilities"/> for the name table.</summary>
public sealed record LinuxCapabilities
{
    [JsonPropertyName("bounding")] public List<string>? Bounding { get; init; }
    [JsonPropertyName("effective")] public List<string>? Effective { get; init; }
    [JsonPropertyName("inheritable")] public List<string>? Inheritable { get; init; }
    [JsonPropertyName("permitted")] public List<string>? Permitted { get; init; }
    [JsonPropertyName("ambient")] public List<string>? Ambient { get; init; }
}

/// <summary>One rlimit (<c>RLIMIT_*</c>); see <see cref="Rlimits"/> for the name table.</summary>
public sealed record PosixRlimit
{
    [JsonPropertyName("type")] public string Type { get; init; } = "";
    [JsonPropertyName("hard")] public ulong Hard { get; init; }
    [JsonPropertyName("soft")] public ulong Soft { get; init; }
}

/// <summary>sched_setattr(2) parameters.</summary>
public sealed record Scheduler
{
    [JsonPropertyName("policy")] public string Policy { get; init; } = "";
    [JsonPropertyName("nice"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Nice { get; init; }
    [JsonPropertyName("priority"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Priority { get; init; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; init; }
    [JsonPropertyName("runtime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Runtime { get; init; }
    [JsonPropertyName("deadline"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Deadline { get; init; }
    [JsonPropertyName("period"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong Period { get; init; }
}

/// <summary>ioprio_set(2) parameters; Class is <c>IOPRIO_CLASS_RT|BE|IDLE</c>.</summary>
public sealed record LinuxIOPriority
{
    [JsonPropertyName("class")] public string Class { get; init; } = "";
    [JsonPropertyName("priority")] public int Priority { get; init; }
}

/// <summary>CPU affinity for <c>exec</c>: <c>initial</c> while the runtime sets the process up, <c>final</c> after it joined the cgroup.</summary>
public sealed record CPUAffinity
{
    [JsonPropertyName("initial")] public string? Initial { get; init; }
    [JsonPropertyName("final")] public string? Final { get; init; }
}
