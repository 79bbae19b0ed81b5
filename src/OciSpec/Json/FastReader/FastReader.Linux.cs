using System.Text.Json;

namespace OciSpec;

// linux (everything but resources and seccomp).
internal static partial class FastReader
{
    private static Linux ReadLinux(ref Utf8JsonReader r)
    {
        List<LinuxIDMapping>? uidMappings = null, gidMappings = null;
        Dictionary<string, string>? sysctl = null;
        LinuxResources? resources = null;
        string? cgroupsPath = null, rootfsPropagation = null, mountLabel = null;
        List<LinuxNamespace>? namespaces = null;
        List<LinuxDevice>? devices = null;
        LinuxSeccomp? seccomp = null;
        List<string>? maskedPaths = null, readonlyPaths = null;
        LinuxIntelRdt? intelRdt = null;
        LinuxPersonality? personality = null;
        Dictionary<string, LinuxTimeOffset>? timeOffsets = null;
        LinuxMemoryPolicy? memoryPolicy = null;
        Dictionary<string, LinuxNetDevice>? netDevices = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "uidmappings": uidMappings = Objects(ref r, ReadIDMapping); break;
                case "gidmappings": gidMappings = Objects(ref r, ReadIDMapping); break;
                case "sysctl": sysctl = StringMap(ref r); break;
                case "resources": resources = Obj(ref r, ReadResources); break;
                case "cgroupspath": cgroupsPath = Str(ref r); break;
                case "namespaces": namespaces = Objects(ref r, ReadNamespace); break;
                case "devices": devices = Objects(ref r, ReadDevice); break;
                case "seccomp": seccomp = Obj(ref r, ReadSeccomp); break;
                case "rootfspropagation": rootfsPropagation = Str(ref r); break;
                case "maskedpaths": maskedPaths = Strings(ref r); break;
                case "readonlypaths": readonlyPaths = Strings(ref r); break;
                case "mountlabel": mountLabel = Str(ref r); break;
                case "intelrdt": intelRdt = Obj(ref r, ReadIntelRdt); break;
                case "personality": personality = Obj(ref r, ReadPersonality); break;
                case "timeoffsets": timeOffsets = ObjectMap(ref r, ReadTimeOffset); break;
                case "memorypolicy": memoryPolicy = Obj(ref r, ReadMemoryPolicy); break;
                case "netdevices": netDevices = ObjectMap(ref r, ReadNetDevice); break;
                default: r.Skip(); break;
            }
        }
        return new Linux
        {
            UidMappings = uidMappings, GidMappings = gidMappings, Sysctl = sysctl, Resources = resources,
            CgroupsPath = cgroupsPath, Namespaces = namespaces, Devices = devices, Seccomp = seccomp,
            RootfsPropagation = rootfsPropagation, MaskedPaths = maskedPaths, ReadonlyPaths = readonlyPaths,
            MountLabel = mountLabel, IntelRdt = intelRdt, Personality = personality, TimeOffsets = timeOffsets,
            MemoryPolicy = memoryPolicy, NetDevices = netDevices,
        };
    }

    private static LinuxNamespace ReadNamespace(ref Utf8JsonReader r)
    {
        string type = null!;
        string? path = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "type": type = StrReq(ref r); break;
                case "path": path = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxNamespace { Type = type, Path = path };
    }

    private static LinuxDevice ReadDevice(ref Utf8JsonReader r)
    {
        string path = null!, type = null!;
        long major = 0, minor = 0;
        uint? fileMode = null, uid = null, gid = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "path": path = StrReq(ref r); break;
                case "type": type = StrReq(ref r); break;
                case "major": major = I64(ref r); break;
                case "minor": minor = I64(ref r); break;
                case "filemode": fileMode = U32N(ref r); break;
                case "uid": uid = U32N(ref r); break;
                case "gid": gid = U32N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxDevice { Path = path, Type = type, Major = major, Minor = minor, FileMode = fileMode, UID = uid, GID = gid };
    }

    private static LinuxTimeOffset ReadTimeOffset(ref Utf8JsonReader r)
    {
        long secs = 0;
        uint nanosecs = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "secs": secs = I64(ref r); break;
                case "nanosecs": nanosecs = U32(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxTimeOffset { Secs = secs, Nanosecs = nanosecs };
    }

    private static LinuxPersonality ReadPersonality(ref Utf8JsonReader r)
    {
        string domain = null!;
        List<string>? flags = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "domain": domain = StrReq(ref r); break;
                case "flags": flags = Strings(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxPersonality { Domain = domain, Flags = flags };
    }

    private static LinuxMemoryPolicy ReadMemoryPolicy(ref Utf8JsonReader r)
    {
        string mode = null!;
        string? nodes = null;
        List<string>? flags = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "mode": mode = StrReq(ref r); break;
                case "nodes": nodes = Str(ref r); break;
                case "flags": flags = Strings(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxMemoryPolicy { Mode = mode, Nodes = nodes, Flags = flags };
    }

    private static LinuxNetDevice ReadNetDevice(ref Utf8JsonReader r)
    {
        string? name = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "name": name = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxNetDevice { Name = name };
    }

    private static LinuxIntelRdt ReadIntelRdt(ref Utf8JsonReader r)
    {
        string? closID = null, l3CacheSchema = null, memBwSchema = null;
        List<string>? schemata = null;
        bool enableMonitoring = false, enableCMT = false, enableMBM = false;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "closid": closID = Str(ref r); break;
                case "schemata": schemata = Strings(ref r); break;
                case "l3cacheschema": l3CacheSchema = Str(ref r); break;
                case "membwschema": memBwSchema = Str(ref r); break;
                case "enablemonitoring": enableMonitoring = Bool(ref r); break;
                case "enablecmt": enableCMT = Bool(ref r); break;
                case "enablembm": enableMBM = Bool(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxIntelRdt
        {
            ClosID = closID, Schemata = schemata, L3CacheSchema = l3CacheSchema, MemBwSchema = memBwSchema,
            EnableMonitoring = enableMonitoring, EnableCMT = enableCMT, EnableMBM = enableMBM,
        };
    }
}
