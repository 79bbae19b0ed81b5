using System.Text.Json.Serialization;
using OciRuntime.State;

namespace OciRuntime;

/// <summary>ocirun's own documents (not the spec's): source-generated, no reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LogLine))]
internal sealed partial class RuntimeJsonContext : JsonSerializerContext;
