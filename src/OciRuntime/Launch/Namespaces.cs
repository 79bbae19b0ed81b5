using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>Maps linux.namespaces to clone flags.</summary>
internal static class Namespaces
{
    internal static ulong FlagOf(string type) => type switch
    {
        "pid" => Sys.CLONE_NEWPID,
        "network" => Sys.CLONE_NEWNET,
        "mount" => Sys.CLONE_NEWNS,
        "ipc" => Sys.CLONE_NEWIPC,
        "uts" => Sys.CLONE_NEWUTS,
        "user" => Sys.CLONE_NEWUSER,
        "cgroup" => Sys.CLONE_NEWCGROUP,
        "time" => Sys.CLONE_NEWTIME,
        _ => throw new RuntimeError($"linux.namespaces: unknown namespace type \"{type}\""),
    };

    internal static List<NamespaceRequest> Requests(Spec spec) =>
        (spec.Linux?.Namespaces ?? []).Select(n => new NamespaceRequest(FlagOf(n.Type), string.IsNullOrEmpty(n.Path) ? null : n.Path)).ToList();

    internal static bool Has(Spec spec, string type) => spec.Linux?.Namespaces?.Any(n => n.Type == type) == true;

    internal static bool HasFresh(Spec spec, string type) =>
        spec.Linux?.Namespaces?.Any(n => n.Type == type && string.IsNullOrEmpty(n.Path)) == true;
}
