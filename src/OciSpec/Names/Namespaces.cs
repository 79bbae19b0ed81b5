namespace OciSpec;

/// <summary>The namespace types of <c>linux.namespaces[].type</c>.</summary>
public enum NamespaceKind { Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time }

/// <summary>Spec name &lt;-&gt; <see cref="NamespaceKind"/>, plus the /proc/self/ns file name (the clone flags are the runtime's).</summary>
public static class NamespaceKinds
{
    /// <summary>All kinds, in the order the spec lists them.</summary>
    public static IReadOnlyList<NamespaceKind> All { get; } =
        [NamespaceKind.Pid, NamespaceKind.Network, NamespaceKind.Mount, NamespaceKind.Ipc,
         NamespaceKind.Uts, NamespaceKind.User, NamespaceKind.Cgroup, NamespaceKind.Time];

    /// <summary>Exact, case-sensitive match, as the spec's names are lowercase tokens.</summary>
    public static bool TryParse(string? name, out NamespaceKind kind)
    {
        switch (name)
        {
            case "pid": kind = NamespaceKind.Pid; return true;
            case "network": kind = NamespaceKind.Network; return true;
            case "mount": kind = NamespaceKind.Mount; return true;
            case "ipc": kind = NamespaceKind.Ipc; return true;
            case "uts": kind = NamespaceKind.Uts; return true;
            case "user": kind = NamespaceKind.User; return true;
            case "cgroup": kind = NamespaceKind.Cgroup; return true;
            case "time": kind = NamespaceKind.Time; return true;
            default: kind = default; return false;
        }
    }

    public static string ToSpecName(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Pid => "pid",
        NamespaceKind.Network => "network",
        NamespaceKind.Mount => "mount",
        NamespaceKind.Ipc => "ipc",
        NamespaceKind.Uts => "uts",
        NamespaceKind.User => "user",
        NamespaceKind.Cgroup => "cgroup",
        NamespaceKind.Time => "time",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The file under /proc/[pid]/ns/ (differs from the spec name for network and mount).</summary>
    public static string ToProcName(NamespaceKind kind) => kind switch
    {
        NamespaceKind.Network => "net",
        NamespaceKind.Mount => "mnt",
        _ => ToSpecName(kind),
    };
}
