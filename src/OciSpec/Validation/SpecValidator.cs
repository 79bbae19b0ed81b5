using OciSpec.Validation;

namespace OciSpec;

/// <summary>Checks a parsed config against every rule of config.md / config-linux.md that needs no host access.
/// Host-dependent checks (does the rootfs exist, does the kernel know this capability, is the netns the host's)
/// belong to the runtime.</summary>
public static class SpecValidator
{
    /// <summary>All problems, in document order by section; empty when the config is valid.</summary>
    public static IReadOnlyList<SpecError> Validate(Spec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var r = new Report();
        var ns = new NamespaceSet(spec);

        TopLevelRules.Check(spec, ns, r);
        if (spec.Process is { } process)
            ProcessRules.Check(process, "process", r);
        MountRules.Check(spec.Mounts, ns, r);
        HookRules.Check(spec.Hooks, r);
        if (spec.Linux is { } linux)
        {
            NamespaceRules.Check(linux.Namespaces, r);
            IdMappingRules.Check(linux, ns, r);
            DeviceRules.Check(linux.Devices, r);
            SysctlRules.Check(linux.Sysctl, ns, r);
            if (linux.Resources is { } res)
                ResourceRules.Check(res, "linux.resources", r);
            if (linux.Seccomp is { } seccomp)
                SeccompRules.Check(seccomp, r);
            LinuxRules.Check(linux, ns, r);
            NetDeviceRules.Check(linux.NetDevices, ns, r);
            if (linux.MemoryPolicy is { } memoryPolicy)
                MemoryPolicyRules.Check(memoryPolicy, r);
            if (linux.IntelRdt is { } intelRdt)
                IntelRdtRules.Check(intelRdt, r);
        }
        return r.Errors;
    }

    /// <summary>Rules for a stand-alone process document (<c>exec --process</c>); paths start at <paramref name="path"/>.</summary>
    public static IReadOnlyList<SpecError> ValidateProcess(Process process, string path = "process")
    {
        ArgumentNullException.ThrowIfNull(process);
        var r = new Report();
        ProcessRules.Check(process, path, r);
        return r.Errors;
    }

    /// <summary>Rules for a resources document (<c>update --resources</c>); paths start at <paramref name="path"/>.</summary>
    public static IReadOnlyList<SpecError> ValidateResources(LinuxResources resources, string path = "linux.resources")
    {
        ArgumentNullException.ThrowIfNull(resources);
        var r = new Report();
        ResourceRules.Check(resources, path, r);
        return r.Errors;
    }
}
