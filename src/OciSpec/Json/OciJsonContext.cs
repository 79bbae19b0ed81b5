using System.Text.Json.Serialization;

namespace OciSpec;

/// <summary>Source-generated (reflection-free, NativeAOT-safe) metadata for every document ocirun reads or writes.</summary>
/// <remarks>
/// Reading follows Go's encoding/json where it matters for compatibility: property names match case-insensitively,
/// unknown properties are ignored (the spec requires it), comments and trailing commas are rejected, numbers must be
/// numbers. One deliberate difference: a JSON <c>null</c> for a required string/object is an error rather than "empty".
/// Prefer <see cref="OciJson"/>, which turns failures into <see cref="SpecFormatException"/> and offers indented output.
/// </remarks>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    RespectNullableAnnotations = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(Spec))]
[JsonSerializable(typeof(Process))]
[JsonSerializable(typeof(LinuxResources))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(List<State>))]
[JsonSerializable(typeof(ContainerProcessState))]
[JsonSerializable(typeof(Features))]
[JsonSerializable(typeof(RuncContainerState))]
[JsonSerializable(typeof(List<RuncContainerState>))]
public partial class OciJsonContext : JsonSerializerContext;
