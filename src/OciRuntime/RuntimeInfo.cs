namespace OciRuntime;

internal static class RuntimeInfo
{
    internal const string Version = "0.1.0";
    /// <summary>The runtime-spec version ocirun implements and reports in state documents.</summary>
    internal const string OciVersion = OciSpec.OciVersions.Current;
    internal const string DefaultRoot = "/run/ocirun";
}
