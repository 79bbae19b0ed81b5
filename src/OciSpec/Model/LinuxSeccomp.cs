using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>Seccomp profile. Action/arch/op/flag names stay strings; see <see cref="SeccompNames"/>.</summary>
public sealed record LinuxSeccomp
{
    [JsonPropertyName("defaultAction")] public string DefaultAction { get; init; } = "";
    [JsonPropertyName("defaultErrnoRet")] public uint? DefaultErrnoRet { get; init; }
    [JsonPropertyName("architectures")] public List<string>? Architectures { get; init; }
    [JsonPropertyName("flags")] public List<string>? Flags { get; init; }
    [JsonPropertyName("listenerPath")] public string? ListenerPath { get; init; }
    [JsonPropertyName("listenerMetadata")] public string? ListenerMetadata { get; init; }
    [JsonPropertyName("syscalls")] public List<LinuxSyscall>? Syscalls { get; init; }
}

/// <summary>A rule: these syscall names, optionally constrained by args, get this action.</summary>
public sealed record LinuxSyscall
{
    [JsonPropertyName("names")] public List<string>? Names { get; init; }
    [JsonPropertyName("action")] public string Action { get; init; } = "";
    [JsonPropertyName("errnoRet")] public uint? ErrnoRet { get; init; }
    [JsonPropertyName("args")] public List<LinuxSeccompArg>? Args { get; init; }
}

/// <summary>Argument comparison; ValueTwo is only meaningful for SCMP_CMP_MASKED_EQ (the mask is Value).</summary>
public sealed record LinuxSeccompArg
{
    [JsonPropertyName("index")] public uint Index { get; init; }
    [JsonPropertyName("value")] public ulong Value { get; init; }
    [JsonPropertyName("valueTwo"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ulong ValueTwo { get; init; }
    [JsonPropertyName("op")] public string Op { get; init; } = "";
}
