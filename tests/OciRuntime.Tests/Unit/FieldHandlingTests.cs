using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using OciRuntime.Tests.Support;
using OciSpec;

namespace OciRuntime.Tests.Unit;

/// <summary>
/// Every field of config.json is either honoured or refused (issue: nothing silently ignored). The table below names,
/// for each JSON member of the model (by path), the file that honours it, or the words of its refusal. The test walks
/// the model by reflection: a property added to OciSpec without an entry here fails, and so does an entry whose file
/// no longer reads the property (<c>.Name</c>) or whose refusal is no longer said anywhere in src/.
/// </summary>
public class FieldHandlingTests
{
    private abstract record Handling;
    /// <summary>Read and acted on by this file (repository-relative).</summary>
    private sealed record Honoured(string File) : Handling;
    /// <summary>Refused with a one-line error containing these words.</summary>
    private sealed record Refused(string Message) : Handling;

    private static Handling H(string file) => new Honoured(file);
    private static Handling R(string message) => new Refused(message);

    private static readonly Dictionary<string, Handling> Fields = new()
    {
        ["ociVersion"] = H("src/OciSpec/Validation/TopLevelRules.cs"),
        ["process"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.terminal"] = H("src/OciRuntime/Launch/Setup/StartCompiler.cs"),
        ["process.consoleSize"] = H("src/OciRuntime/Launch/Setup/StartCompiler.cs"),
        ["process.consoleSize.height"] = H("src/OciRuntime/Launch/Setup/StartCompiler.cs"),
        ["process.consoleSize.width"] = H("src/OciRuntime/Launch/Setup/StartCompiler.cs"),
        ["process.user"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.user.uid"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.user.gid"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.user.umask"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.user.additionalGids"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.user.username"] = R("process.user.username: is a Windows field"),
        ["process.args"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.commandLine"] = R("is a Windows field; on Linux the command is process.args"),
        ["process.env"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.cwd"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.capabilities"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.capabilities.bounding"] = H("src/OciRuntime/Security/CapabilitySets.cs"),
        ["process.capabilities.effective"] = H("src/OciRuntime/Security/CapabilitySets.cs"),
        ["process.capabilities.inheritable"] = H("src/OciRuntime/Security/CapabilitySets.cs"),
        ["process.capabilities.permitted"] = H("src/OciRuntime/Security/CapabilitySets.cs"),
        ["process.capabilities.ambient"] = H("src/OciRuntime/Security/CapabilitySets.cs"),
        ["process.rlimits"] = H("src/OciRuntime/Security/Rlimits.cs"),
        ["process.rlimits[].type"] = H("src/OciRuntime/Security/Rlimits.cs"),
        ["process.rlimits[].hard"] = H("src/OciRuntime/Security/Rlimits.cs"),
        ["process.rlimits[].soft"] = H("src/OciRuntime/Security/Rlimits.cs"),
        ["process.noNewPrivileges"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.apparmorProfile"] = H("src/OciRuntime/Security/LsmSetup.cs"),
        ["process.oomScoreAdj"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.scheduler"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.scheduler.policy"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.scheduler.nice"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.scheduler.priority"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.scheduler.flags"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.scheduler.runtime"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.scheduler.deadline"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.scheduler.period"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.selinuxLabel"] = H("src/OciRuntime/Security/LsmSetup.cs"),
        ["process.ioPriority"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["process.ioPriority.class"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.ioPriority.priority"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.execCPUAffinity"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.execCPUAffinity.initial"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["process.execCPUAffinity.final"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["root"] = H("src/OciRuntime/Launch/SpecLoading.cs"),
        ["root.path"] = H("src/OciRuntime/Launch/SpecLoading.cs"),
        ["root.readonly"] = H("src/OciRuntime/Launch/Setup/MountCompiler.cs"),
        ["hostname"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["domainname"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["mounts"] = H("src/OciRuntime/Launch/Setup/MountCompiler.cs"),
        ["mounts[].destination"] = H("src/OciRuntime/Launch/Setup/MountEntryCompiler.cs"),
        ["mounts[].type"] = H("src/OciRuntime/Launch/Setup/MountEntryCompiler.cs"),
        ["mounts[].source"] = H("src/OciRuntime/Launch/Setup/MountEntryCompiler.cs"),
        ["mounts[].options"] = H("src/OciRuntime/Launch/Setup/MountEntryCompiler.cs"),
        ["mounts[].uidMappings"] = H("src/OciRuntime/Rootfs/IdMapped.cs"),
        ["mounts[].uidMappings[].containerID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["mounts[].uidMappings[].hostID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["mounts[].uidMappings[].size"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["mounts[].gidMappings"] = H("src/OciRuntime/Rootfs/IdMapped.cs"),
        ["mounts[].gidMappings[].containerID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["mounts[].gidMappings[].hostID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["mounts[].gidMappings[].size"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["hooks"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["hooks.prestart"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["hooks.prestart[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.prestart[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.prestart[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.prestart[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createRuntime"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["hooks.createRuntime[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createRuntime[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createRuntime[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createRuntime[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createContainer"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["hooks.createContainer[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createContainer[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createContainer[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.createContainer[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.startContainer"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["hooks.startContainer[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.startContainer[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.startContainer[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.startContainer[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststart"] = H("src/OciRuntime/Launch/ContainerStarter.cs"),
        ["hooks.poststart[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststart[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststart[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststart[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststop"] = H("src/OciRuntime/Launch/ContainerDeleter.cs"),
        ["hooks.poststop[].path"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststop[].args"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststop[].env"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["hooks.poststop[].timeout"] = H("src/OciRuntime/Hooks/HookRunner.cs"),
        ["annotations"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["linux"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["linux.uidMappings"] = H("src/OciRuntime/Launch/InitSpawner.cs"),
        ["linux.uidMappings[].containerID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.uidMappings[].hostID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.uidMappings[].size"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.gidMappings"] = H("src/OciRuntime/Launch/InitSpawner.cs"),
        ["linux.gidMappings[].containerID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.gidMappings[].hostID"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.gidMappings[].size"] = H("src/OciRuntime/Launch/IdMapWriter.cs"),
        ["linux.sysctl"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["linux.resources"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["linux.resources.devices"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.devices[].allow"] = H("src/OciRuntime/Cgroups/DeviceRules.cs"),
        ["linux.resources.devices[].type"] = H("src/OciRuntime/Cgroups/DeviceRules.cs"),
        ["linux.resources.devices[].major"] = H("src/OciRuntime/Cgroups/DeviceRules.cs"),
        ["linux.resources.devices[].minor"] = H("src/OciRuntime/Cgroups/DeviceRules.cs"),
        ["linux.resources.devices[].access"] = H("src/OciRuntime/Cgroups/DeviceRules.cs"),
        ["linux.resources.memory"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.limit"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.reservation"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.swap"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.kernel"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.kernelTCP"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.swappiness"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.disableOOMKiller"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.useHierarchy"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.memory.checkBeforeUpdate"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.shares"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.quota"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.burst"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.period"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.realtimeRuntime"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.realtimePeriod"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.cpus"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.mems"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.cpu.idle"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.pids"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.pids.limit"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weight"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.leafWeight"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weightDevice"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weightDevice[].major"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weightDevice[].minor"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weightDevice[].weight"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.weightDevice[].leafWeight"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadBpsDevice"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadBpsDevice[].major"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadBpsDevice[].minor"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadBpsDevice[].rate"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteBpsDevice"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteBpsDevice[].major"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteBpsDevice[].minor"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteBpsDevice[].rate"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadIOPSDevice"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadIOPSDevice[].major"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadIOPSDevice[].minor"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleReadIOPSDevice[].rate"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteIOPSDevice"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteIOPSDevice[].major"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteIOPSDevice[].minor"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.blockIO.throttleWriteIOPSDevice[].rate"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.hugepageLimits"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.hugepageLimits[].pageSize"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.hugepageLimits[].limit"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.network"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.network.classID"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.network.priorities"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.network.priorities[].name"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.network.priorities[].priority"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.rdma"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.rdma{}.hcaHandles"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.rdma{}.hcaObjects"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.resources.unified"] = H("src/OciRuntime/Cgroups/V1Map.cs"),
        ["linux.cgroupsPath"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["linux.namespaces"] = H("src/OciRuntime/Launch/Namespaces.cs"),
        ["linux.namespaces[].type"] = H("src/OciRuntime/Launch/Namespaces.cs"),
        ["linux.namespaces[].path"] = H("src/OciRuntime/Launch/Namespaces.cs"),
        ["linux.devices"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].path"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].type"] = H("src/OciRuntime/Rootfs/DevSetup.cs"),
        ["linux.devices[].major"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].minor"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].fileMode"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].uid"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.devices[].gid"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.seccomp"] = H("src/OciRuntime/Security/SeccompSetup.cs"),
        ["linux.seccomp.defaultAction"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.defaultErrnoRet"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.architectures"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.flags"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.listenerPath"] = H("src/OciRuntime/Security/SeccompListener.cs"),
        ["linux.seccomp.listenerMetadata"] = H("src/OciRuntime/Security/SeccompListener.cs"),
        ["linux.seccomp.syscalls"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].names"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].action"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].errnoRet"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].args"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].args[].index"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].args[].value"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].args[].valueTwo"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.seccomp.syscalls[].args[].op"] = H("src/OciRuntime/Security/SeccompProfileMapper.cs"),
        ["linux.rootfsPropagation"] = H("src/OciRuntime/Launch/Setup/MountCompiler.cs"),
        ["linux.maskedPaths"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.readonlyPaths"] = H("src/OciRuntime/Launch/Setup/PathCompiler.cs"),
        ["linux.mountLabel"] = H("src/OciRuntime/Launch/Setup/MountEntryCompiler.cs"),
        ["linux.intelRdt"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["linux.intelRdt.closID"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.schemata"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.l3CacheSchema"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.memBwSchema"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.enableMonitoring"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.enableCMT"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.intelRdt.enableMBM"] = H("src/OciRuntime/Resctrl/IntelRdt.cs"),
        ["linux.personality"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["linux.personality.domain"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["linux.personality.flags"] = R("unknown personality flag"),
        ["linux.timeOffsets"] = H("src/OciRuntime/Launch/InitSpawner.cs"),
        ["linux.timeOffsets{}.secs"] = H("src/OciRuntime/Launch/InitSpawner.cs"),
        ["linux.timeOffsets{}.nanosecs"] = H("src/OciRuntime/Launch/InitSpawner.cs"),
        ["linux.memoryPolicy"] = H("src/OciRuntime/Launch/Setup/ProcessCompiler.cs"),
        ["linux.memoryPolicy.mode"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["linux.memoryPolicy.nodes"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["linux.memoryPolicy.flags"] = H("src/OciRuntime/Security/Scheduling.cs"),
        ["linux.netDevices"] = H("src/OciRuntime/Launch/ContainerCreator.cs"),
        ["linux.netDevices{}.name"] = H("src/OciRuntime/Network/NetDevices.cs"),
    };

    private static IEnumerable<(string Path, PropertyInfo Property)> Members(Type t, string prefix, HashSet<Type> onPath)
    {
        if (!onPath.Add(t)) yield break;
        foreach (var p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetCustomAttribute<JsonPropertyNameAttribute>() is not { } name) continue;
            string path = prefix.Length == 0 ? name.Name : prefix + "." + name.Name;
            yield return (path, p);
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            string suffix = "";
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) { type = type.GetGenericArguments()[0]; suffix = "[]"; }
            else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) { type = type.GetGenericArguments()[1]; suffix = "{}"; }
            if (type.Namespace == "OciSpec" && type.GetMethod("<Clone>$") is not null)
                foreach (var m in Members(type, path + suffix, onPath)) yield return m;
        }
        onPath.Remove(t);
    }

    private static readonly List<(string Path, PropertyInfo Property)> Model = Members(typeof(Spec), "", []).ToList();

    [Fact]
    public void Every_model_property_has_an_entry()
    {
        var missing = Model.Where(m => !Fields.ContainsKey(m.Path)).Select(m => $"{m.Path} ({m.Property.DeclaringType!.Name}.{m.Property.Name})").ToList();
        Assert.True(missing.Count == 0, "say who honours or refuses: " + string.Join(", ", missing));
        Assert.True(Model.Count > 200, $"the walk found only {Model.Count} members");
    }

    [Fact]
    public void Every_entry_is_a_model_property()
    {
        var paths = Model.Select(m => m.Path).ToHashSet();
        Assert.Empty(Fields.Keys.Where(k => !paths.Contains(k)));
    }

    [Fact]
    public void Each_honouring_file_reads_the_property()
    {
        var wrong = new List<string>();
        foreach (var (path, prop) in Model)
        {
            if (Fields.GetValueOrDefault(path) is not Honoured h) continue;
            string file = Path.Join(RuntimeBinary.RepoRoot, h.File);
            if (!File.Exists(file)) { wrong.Add($"{path}: {h.File} does not exist"); continue; }
            if (!Regex.IsMatch(File.ReadAllText(file), $@"\.{prop.Name}\b")) wrong.Add($"{path}: {h.File} never reads .{prop.Name}");
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void Each_refusal_is_said_somewhere()
    {
        var sources = Directory.EnumerateFiles(Path.Join(RuntimeBinary.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/") && !f.Contains("/bin/")).Select(File.ReadAllText).ToList();
        var unsaid = Fields.Where(f => f.Value is Refused r && !sources.Any(s => s.Contains(r.Message)))
            .Select(f => $"{f.Key}: \"{((Refused)f.Value).Message}\"").ToList();
        Assert.True(unsaid.Count == 0, "refusals no source says: " + string.Join(", ", unsaid));
    }
}
