namespace OciSpec.Validation;

/// <summary><c>linux.sysctl</c>. Beyond well-formed keys this follows runc: a sysctl is only allowed when the namespace
/// that scopes it is the container's own, because otherwise writing it changes the host.</summary>
internal static class SysctlRules
{
    // IPC-namespace scoped sysctls (ipc_namespace.c); fs.mqueue.* is handled as a prefix.
    private static readonly HashSet<string> IpcSysctls = new(StringComparer.Ordinal)
    {
        "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
        "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
    };

    public static void Check(Dictionary<string, string>? sysctl, NamespaceSet ns, Report r)
    {
        if (sysctl is null) return;
        foreach ((string rawKey, string? value) in sysctl)
        {
            if (rawKey.Length == 0)
            {
                r.Add("linux.sysctl", "keys must not be empty");
                continue;
            }
            string at = SpecPath.Key("linux.sysctl", rawKey);
            if (value is null)
                r.Add(at, "must be a string, got null");

            // "net/ipv4/ip_forward" is the /proc/sys path form of "net.ipv4.ip_forward"; both are accepted.
            string key = rawKey.Replace('/', '.');
            if (key.StartsWith('.') || key.EndsWith('.') || key.Contains("..", StringComparison.Ordinal))
            {
                r.Add(at, "is not a valid sysctl name");
                continue;
            }

            if (IpcSysctls.Contains(key) || key.StartsWith("fs.mqueue.", StringComparison.Ordinal))
            {
                if (!ns.Has(NamespaceKind.Ipc)) r.Add(at, "requires an ipc namespace in linux.namespaces");
            }
            else if (key.StartsWith("net.", StringComparison.Ordinal))
            {
                if (!ns.Has(NamespaceKind.Network)) r.Add(at, "requires a network namespace in linux.namespaces");
            }
            else if (key == "kernel.hostname")
            {
                r.Add(at, "is not allowed; use the hostname field");
            }
            else if (key == "kernel.domainname")
            {
                if (!ns.Has(NamespaceKind.Uts)) r.Add(at, "requires a uts namespace in linux.namespaces");
            }
            else
            {
                r.Add(at, "is not namespaced; setting it would change the host");
            }
        }
    }
}
