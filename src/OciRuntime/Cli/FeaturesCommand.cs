using System.CommandLine;
using System.Text;
using OciRuntime.Cgroups;
using OciRuntime.Rootfs;
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
            int last = CapabilitySets.LastCap();
            var layout = CgroupLayout.Detect();
            var f = new Features
            {
                OciVersionMin = "1.0.0",
                OciVersionMax = RuntimeInfo.OciVersion,
                Hooks = ["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
                MountOptions = MountOptions.Known.ToList(),
                Linux = new LinuxFeatures
                {
                    Namespaces = ["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"],
                    Capabilities = Capabilities.Names.Where(n => Capabilities.TryGetBit(n, out int b) && b <= last).ToList(),
                    Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = false, SystemdUser = false, Rdma = false },
                    Apparmor = new EnabledFeature { Enabled = File.Exists("/sys/kernel/security/apparmor/profiles") },
                    Selinux = new EnabledFeature { Enabled = File.Exists("/sys/fs/selinux/enforce") },
                    MountExtensions = new MountExtensionsFeatures { IDMap = new EnabledFeature { Enabled = false } },
                },
                Annotations = new Dictionary<string, string>
                {
                    ["io.ocirun.version"] = RuntimeInfo.Version,
                    ["io.ocirun.cgroup.layout"] = layout.Mode.ToString().ToLowerInvariant(),
                },
            };
            Console.Out.Write(Encoding.UTF8.GetString(OciJson.Serialize(f, indented: true)) + "\n");
            return 0;
        });
        return c;
    }
}
