namespace OciSpec;

/// <summary>The part of the <c>features</c> document this library can answer: versions and every name it recognises.</summary>
/// <remarks>What the runtime actually implements (cgroup v1/v2, seccomp enabled, apparmor, selinux, intelRdt, idmap
/// mounts, netDevices, supported seccomp flags) is left null, meaning "unknown", for the runtime to fill in with
/// <c>with</c>. Lists are sorted so the output is stable.</remarks>
public static class FeaturesTemplate
{
    public static Features Known() => new()
    {
        OciVersionMin = OciVersions.Minimum,
        OciVersionMax = OciVersions.Current,
        Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
        MountOptions = Sorted(MountOptions.Names),
        Linux = new LinuxFeatures
        {
            Namespaces = Sorted(NamespaceKinds.All.Select(NamespaceKinds.ToSpecName)),
            Capabilities = [.. Capabilities.Names],
            Seccomp = new SeccompFeatures
            {
                Actions = Sorted(SeccompNames.Actions),
                Operators = Sorted(SeccompNames.Operators),
                Archs = Sorted(SeccompNames.Architectures),
                KnownFlags = Sorted(SeccompNames.Flags),
            },
            MemoryPolicy = new MemoryPolicyFeatures
            {
                Modes = Sorted(SchedulingNames.MemoryPolicyModes),
                Flags = Sorted(SchedulingNames.MemoryPolicyFlags),
            },
        },
    };

    private static List<string> Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
