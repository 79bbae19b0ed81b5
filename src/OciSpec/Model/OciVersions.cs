namespace OciSpec;

/// <summary>The runtime-spec versions this library models.</summary>
public static class OciVersions
{
    /// <summary>Written into new documents (state, <c>spec</c> output) and reported as features' ociVersionMax.</summary>
    public const string Current = "1.3.0";

    /// <summary>Oldest version we accept; reported as features' ociVersionMin.</summary>
    public const string Minimum = "1.0.0";
}
