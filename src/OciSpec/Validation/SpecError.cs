namespace OciSpec;

/// <summary>One rule a config breaks: where (spec-style JSON path) and what.</summary>
public sealed record SpecError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
