namespace OciSpec.Validation;

/// <summary>config-linux.md "Network Devices" (<c>linux.netDevices</c>).</summary>
internal static class NetDeviceRules
{
    public static void Check(Dictionary<string, LinuxNetDevice>? devices, NamespaceSet ns, Report r)
    {
        if (devices is null || devices.Count == 0) return;
        // Devices are moved out of the runtime's network namespace, so the container needs one of its own.
        if (!ns.Has(NamespaceKind.Network))
            r.Add("linux.netDevices", "requires a network namespace in linux.namespaces");
        var targets = new HashSet<string>(StringComparer.Ordinal);
        foreach ((string hostName, LinuxNetDevice? dev) in devices)
        {
            string at = SpecPath.Key("linux.netDevices", hostName);
            if (!Syntax.IsNetDeviceName(hostName))
                r.Add(at, "is not a valid network device name (1-15 characters, no '/', ':' or whitespace)");
            string? inside = string.IsNullOrEmpty(dev?.Name) ? hostName : dev.Name;
            if (!string.IsNullOrEmpty(dev?.Name) && !Syntax.IsNetDeviceName(dev.Name))
                r.Add(SpecPath.Member(at, "name"), $"{SpecPath.Q(dev.Name)} is not a valid network device name (1-15 characters, no '/', ':' or whitespace)");
            // A name ending in "%d" is a template the kernel completes with a free number, so it cannot collide.
            else if (!inside.EndsWith("%d", StringComparison.Ordinal) && !targets.Add(inside))
                r.Add(at, $"another device is also named {SpecPath.Q(inside)} in the container");
        }
    }
}
