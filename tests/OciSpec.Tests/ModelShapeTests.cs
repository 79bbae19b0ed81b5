using System.Reflection;
using System.Text.Json.Serialization;

namespace OciSpec.Tests;

/// <summary>Guards on the model as a whole: every JSON name is spelled out, and every type has generated metadata.</summary>
public class ModelShapeTests
{
    private static IEnumerable<Type> ModelTypes() =>
        typeof(Spec).Assembly.GetExportedTypes().Where(t =>
            t.Namespace == "OciSpec" && t.IsClass && t.IsSealed && !t.IsAbstract &&
            t.GetMethod("<Clone>$") is not null && // records only
            t != typeof(SpecError));               // a validation result, not a document

    [Fact]
    public void EveryPropertyNamesItsJsonKeyExplicitly()
    {
        // Names come from the spec's JSON tags, not from a naming policy, so "classID" or "uidMappings" cannot drift.
        var missing = ModelTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => p.Name != "EqualityContract" && p.GetCustomAttribute<JsonPropertyNameAttribute>() is null)
                .Select(p => $"{t.Name}.{p.Name}"))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryModelTypeHasGeneratedMetadata()
    {
        var types = ModelTypes().ToList();
        Assert.True(types.Count > 40, $"only {types.Count} model types found");
        Assert.All(types, t => Assert.NotNull(OciJsonContext.Default.GetTypeInfo(t)));
    }
}
