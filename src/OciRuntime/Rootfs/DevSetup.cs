namespace OciRuntime.Rootfs;

/// <summary>
/// What /dev holds when the config does not bind the host's: the default devices (null, zero, full, random,
/// urandom, tty, mode 0666) and the usual symlinks. Setup/PathCompiler lays them out, with linux.devices.
/// </summary>
internal static class DevSetup
{
    internal static readonly (string Name, long Major, long Minor)[] Defaults =
        [("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8), ("urandom", 1, 9), ("tty", 5, 0)];

    internal static readonly (string Name, string Target)[] Links =
        [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")];

    internal static bool NeedsSetup(IReadOnlyList<OciSpec.Mount> mounts) =>
        !mounts.Any(m => Normalize(m.Destination) == "/dev" && (m.Type == "bind" || MountOptionParser.Parse(m.Options).IsBind));

    private static string Normalize(string p) => "/" + p.Trim('/');
}
