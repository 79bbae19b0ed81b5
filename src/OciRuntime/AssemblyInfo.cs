using System.Runtime.Versioning;

// ocirun is a Linux container runtime; nothing here runs elsewhere.
[assembly: SupportedOSPlatform("linux")]
