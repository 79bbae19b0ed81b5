namespace OciRuntime;

internal static class RuntimeInfo
{
    internal const string Version = "0.1.0";
    internal const string OciVersion = "1.2.0";
    internal const string DefaultRoot = "/run/ocirun";
}
