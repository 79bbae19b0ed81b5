using System.Text.Json;

namespace OciSpec;

internal static partial class FastWriter
{
    private static void WriteLinux(Utf8JsonWriter w, Linux v)
    {
        w.WriteStartObject();
        Objects(w, "uidMappings", v.UidMappings, WriteIDMapping);
        Objects(w, "gidMappings", v.GidMappings, WriteIDMapping);
        StringMap(w, "sysctl", v.Sysctl);
        Obj(w, "resources", v.Resources, WriteResources);
        Str(w, "cgroupsPath", v.CgroupsPath);
        Objects(w, "namespaces", v.Namespaces, WriteNamespace);
        Objects(w, "devices", v.Devices, WriteDevice);
        Obj(w, "seccomp", v.Seccomp, WriteSeccomp);
        Str(w, "rootfsPropagation", v.RootfsPropagation);
        Strings(w, "maskedPaths", v.MaskedPaths);
        Strings(w, "readonlyPaths", v.ReadonlyPaths);
        Str(w, "mountLabel", v.MountLabel);
        Obj(w, "intelRdt", v.IntelRdt, WriteIntelRdt);
        Obj(w, "personality", v.Personality, WritePersonality);
        ObjectMap(w, "timeOffsets", v.TimeOffsets, WriteTimeOffset);
        Obj(w, "memoryPolicy", v.MemoryPolicy, WriteMemoryPolicy);
        ObjectMap(w, "netDevices", v.NetDevices, WriteNetDevice);
        w.WriteEndObject();
    }

    private static void WriteNamespace(Utf8JsonWriter w, LinuxNamespace v)
    {
        w.WriteStartObject();
        StrReq(w, "type", v.Type);
        Str(w, "path", v.Path);
        w.WriteEndObject();
    }

    private static void WriteDevice(Utf8JsonWriter w, LinuxDevice v)
    {
        w.WriteStartObject();
        StrReq(w, "path", v.Path);
        StrReq(w, "type", v.Type);
        Num(w, "major", v.Major);
        Num(w, "minor", v.Minor);
        NumN(w, "fileMode", v.FileMode);
        NumN(w, "uid", v.UID);
        NumN(w, "gid", v.GID);
        w.WriteEndObject();
    }

    private static void WriteTimeOffset(Utf8JsonWriter w, LinuxTimeOffset v)
    {
        w.WriteStartObject();
        NumNonZero(w, "secs", v.Secs);
        NumNonZero(w, "nanosecs", v.Nanosecs);
        w.WriteEndObject();
    }

    private static void WritePersonality(Utf8JsonWriter w, LinuxPersonality v)
    {
        w.WriteStartObject();
        StrReq(w, "domain", v.Domain);
        Strings(w, "flags", v.Flags);
        w.WriteEndObject();
    }

    private static void WriteMemoryPolicy(Utf8JsonWriter w, LinuxMemoryPolicy v)
    {
        w.WriteStartObject();
        StrReq(w, "mode", v.Mode);
        Str(w, "nodes", v.Nodes);
        Strings(w, "flags", v.Flags);
        w.WriteEndObject();
    }

    private static void WriteNetDevice(Utf8JsonWriter w, LinuxNetDevice v)
    {
        w.WriteStartObject();
        Str(w, "name", v.Name);
        w.WriteEndObject();
    }

    private static void WriteIntelRdt(Utf8JsonWriter w, LinuxIntelRdt v)
    {
        w.WriteStartObject();
        Str(w, "closID", v.ClosID);
        Strings(w, "schemata", v.Schemata);
        Str(w, "l3CacheSchema", v.L3CacheSchema);
        Str(w, "memBwSchema", v.MemBwSchema);
        True(w, "enableMonitoring", v.EnableMonitoring);
        True(w, "enableCMT", v.EnableCMT);
        True(w, "enableMBM", v.EnableMBM);
        w.WriteEndObject();
    }

    private static void WriteSeccomp(Utf8JsonWriter w, LinuxSeccomp v)
    {
        w.WriteStartObject();
        StrReq(w, "defaultAction", v.DefaultAction);
        NumN(w, "defaultErrnoRet", v.DefaultErrnoRet);
        Strings(w, "architectures", v.Architectures);
        Strings(w, "flags", v.Flags);
        Str(w, "listenerPath", v.ListenerPath);
        Str(w, "listenerMetadata", v.ListenerMetadata);
        Objects(w, "syscalls", v.Syscalls, WriteSyscall);
        w.WriteEndObject();
    }

    private static void WriteSyscall(Utf8JsonWriter w, LinuxSyscall v)
    {
        w.WriteStartObject();
        Strings(w, "names", v.Names);
        StrReq(w, "action", v.Action);
        NumN(w, "errnoRet", v.ErrnoRet);
        Objects(w, "args", v.Args, WriteSeccompArg);
        w.WriteEndObject();
    }

    private static void WriteSeccompArg(Utf8JsonWriter w, LinuxSeccompArg v)
    {
        w.WriteStartObject();
        Num(w, "index", v.Index);
        Num(w, "value", v.Value);
        NumNonZero(w, "valueTwo", v.ValueTwo);
        StrReq(w, "op", v.Op);
        w.WriteEndObject();
    }

    // ---- resources -----------------------------------------------------------------------------------------------

    private static void WriteResources(Utf8JsonWriter w, LinuxResources v)
    {
        w.WriteStartObject();
        Objects(w, "devices", v.Devices, WriteDeviceCgroup);
        Obj(w, "memory", v.Memory, WriteMemory);
        Obj(w, "cpu", v.CPU, WriteCPU);
        Obj(w, "pids", v.Pids, WritePids);
        Obj(w, "blockIO", v.BlockIO, WriteBlockIO);
        Objects(w, "hugepageLimits", v.HugepageLimits, WriteHugepageLimit);
        Obj(w, "network", v.Network, WriteNetwork);
        ObjectMap(w, "rdma", v.Rdma, WriteRdma);
        StringMap(w, "unified", v.Unified);
        w.WriteEndObject();
    }

    private static void WriteDeviceCgroup(Utf8JsonWriter w, LinuxDeviceCgroup v)
    {
        w.WriteStartObject();
        w.WriteBoolean("allow", v.Allow);
        Str(w, "type", v.Type);
        NumN(w, "major", v.Major);
        NumN(w, "minor", v.Minor);
        Str(w, "access", v.Access);
        w.WriteEndObject();
    }

    private static void WriteMemory(Utf8JsonWriter w, LinuxMemory v)
    {
        w.WriteStartObject();
        NumN(w, "limit", v.Limit);
        NumN(w, "reservation", v.Reservation);
        NumN(w, "swap", v.Swap);
        NumN(w, "kernel", v.Kernel);
        NumN(w, "kernelTCP", v.KernelTCP);
        NumN(w, "swappiness", v.Swappiness);
        BoolN(w, "disableOOMKiller", v.DisableOOMKiller);
        BoolN(w, "useHierarchy", v.UseHierarchy);
        BoolN(w, "checkBeforeUpdate", v.CheckBeforeUpdate);
        w.WriteEndObject();
    }

    private static void WriteCPU(Utf8JsonWriter w, LinuxCPU v)
    {
        w.WriteStartObject();
        NumN(w, "shares", v.Shares);
        NumN(w, "quota", v.Quota);
        NumN(w, "burst", v.Burst);
        NumN(w, "period", v.Period);
        NumN(w, "realtimeRuntime", v.RealtimeRuntime);
        NumN(w, "realtimePeriod", v.RealtimePeriod);
        Str(w, "cpus", v.Cpus);
        Str(w, "mems", v.Mems);
        NumN(w, "idle", v.Idle);
        w.WriteEndObject();
    }

    private static void WritePids(Utf8JsonWriter w, LinuxPids v)
    {
        w.WriteStartObject();
        NumN(w, "limit", v.Limit);
        w.WriteEndObject();
    }

    private static void WriteBlockIO(Utf8JsonWriter w, LinuxBlockIO v)
    {
        w.WriteStartObject();
        NumN(w, "weight", v.Weight);
        NumN(w, "leafWeight", v.LeafWeight);
        Objects(w, "weightDevice", v.WeightDevice, WriteWeightDevice);
        Objects(w, "throttleReadBpsDevice", v.ThrottleReadBpsDevice, WriteThrottleDevice);
        Objects(w, "throttleWriteBpsDevice", v.ThrottleWriteBpsDevice, WriteThrottleDevice);
        Objects(w, "throttleReadIOPSDevice", v.ThrottleReadIOPSDevice, WriteThrottleDevice);
        Objects(w, "throttleWriteIOPSDevice", v.ThrottleWriteIOPSDevice, WriteThrottleDevice);
        w.WriteEndObject();
    }

    private static void WriteWeightDevice(Utf8JsonWriter w, LinuxWeightDevice v)
    {
        w.WriteStartObject();
        Num(w, "major", v.Major);
        Num(w, "minor", v.Minor);
        NumN(w, "weight", v.Weight);
        NumN(w, "leafWeight", v.LeafWeight);
        w.WriteEndObject();
    }

    private static void WriteThrottleDevice(Utf8JsonWriter w, LinuxThrottleDevice v)
    {
        w.WriteStartObject();
        Num(w, "major", v.Major);
        Num(w, "minor", v.Minor);
        Num(w, "rate", v.Rate);
        w.WriteEndObject();
    }

    private static void WriteHugepageLimit(Utf8JsonWriter w, LinuxHugepageLimit v)
    {
        w.WriteStartObject();
        StrReq(w, "pageSize", v.Pagesize);
        Num(w, "limit", v.Limit);
        w.WriteEndObject();
    }

    private static void WriteNetwork(Utf8JsonWriter w, LinuxNetwork v)
    {
        w.WriteStartObject();
        NumN(w, "classID", v.ClassID);
        Objects(w, "priorities", v.Priorities, WriteInterfacePriority);
        w.WriteEndObject();
    }

    private static void WriteInterfacePriority(Utf8JsonWriter w, LinuxInterfacePriority v)
    {
        w.WriteStartObject();
        StrReq(w, "name", v.Name);
        Num(w, "priority", v.Priority);
        w.WriteEndObject();
    }

    private static void WriteRdma(Utf8JsonWriter w, LinuxRdma v)
    {
        w.WriteStartObject();
        NumN(w, "hcaHandles", v.HcaHandles);
        NumN(w, "hcaObjects", v.HcaObjects);
        w.WriteEndObject();
    }
}
