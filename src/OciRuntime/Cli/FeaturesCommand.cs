using System.CommandLine;
using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Cli;

/// <summary>`features`: what this build and this host support (features.md), reported truthfully.</summary>
internal static class FeaturesCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("features", "show the enabled features");
        c.SetHandler(globals, (_, _, _) =>
        {
            Console.Out.Write(Encoding.UTF8.GetString(OciJson.Serialize(Current(), indented: true)) + "\n");
            return 0;
        });
        return c;
    }

    /// <summary>The library's name tables, narrowed and completed by what this kernel and build actually do.</summary>
    internal static Features Current()
    {
        var known = FeaturesTemplate.Known();
        int last = CapabilitySets.LastCap();
        var layout = CgroupLayout.Detect();
        var linux = known.Linux! with
        {
            Capabilities = Capabilities.Names.Where(n => SpecKernelValues.TryGetCapabilityBit(n, out int b) && b <= last).ToList(),
            Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = true, SystemdUser = false, Rdma = false },
            // The same tests that decide whether a configured profile or label is applied or refused.
            Apparmor = new EnabledFeature { Enabled = LsmSetup.AppArmorEnabled() },
            Selinux = new EnabledFeature { Enabled = LsmSetup.SelinuxEnabled() },
            MountExtensions = new MountExtensionsFeatures { IDMap = new EnabledFeature { Enabled = false } },
            // Implemented (Resctrl/IntelRdt.cs, Network/NetDevices.cs); features-linux.md: whatever the host has.
            IntelRdt = new IntelRdtFeatures { Enabled = true, Schemata = true, Monitoring = true },
            NetDevices = new EnabledFeature { Enabled = true },
            // Our own compiler: enabled, for the architectures it carries tables for.
            Seccomp = known.Linux!.Seccomp! with
            {
                Enabled = true,
                Archs = known.Linux!.Seccomp!.Archs?.Where(a => Seccomp.SeccompNames.TryParseArch(a, out _)).ToList(),
                SupportedFlags = known.Linux!.Seccomp!.KnownFlags,
            },
        };
        return known with
        {
            Linux = linux,
            Annotations = new Dictionary<string, string>
            {
                ["io.ocirun.version"] = RuntimeInfo.Version,
                ["io.ocirun.cgroup.layout"] = layout.Mode.ToString().ToLowerInvariant(),
            },
        };
    }
}
