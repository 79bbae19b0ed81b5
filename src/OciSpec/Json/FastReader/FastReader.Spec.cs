using System.Text.Json;

namespace OciSpec;

// config.json top level, root, mounts, hooks.
internal static partial class FastReader
{
    private static Spec ReadSpec(ref Utf8JsonReader r)
    {
        string ociVersion = null!;
        Process? process = null;
        Root? root = null;
        string? hostname = null, domainname = null;
        List<Mount>? mounts = null;
        Hooks? hooks = null;
        Dictionary<string, string>? annotations = null;
        Linux? linux = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "ociversion": ociVersion = StrReq(ref r); break;
                case "process": process = Obj(ref r, ReadProcess); break;
                case "root": root = Obj(ref r, ReadRoot); break;
                case "hostname": hostname = Str(ref r); break;
                case "domainname": domainname = Str(ref r); break;
                case "mounts": mounts = Objects(ref r, ReadMount); break;
                case "hooks": hooks = Obj(ref r, ReadHooks); break;
                case "annotations": annotations = StringMap(ref r); break;
                case "linux": linux = Obj(ref r, ReadLinux); break;
                default: r.Skip(); break;
            }
        }
        return new Spec
        {
            OciVersion = ociVersion, Process = process, Root = root, Hostname = hostname, Domainname = domainname,
            Mounts = mounts, Hooks = hooks, Annotations = annotations, Linux = linux,
        };
    }

    private static Root ReadRoot(ref Utf8JsonReader r)
    {
        string path = null!;
        bool ro = false;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "path": path = StrReq(ref r); break;
                case "readonly": ro = Bool(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new Root { Path = path, Readonly = ro };
    }

    private static Mount ReadMount(ref Utf8JsonReader r)
    {
        string destination = null!;
        string? type = null, source = null;
        List<string>? options = null;
        List<LinuxIDMapping>? uidMappings = null, gidMappings = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "destination": destination = StrReq(ref r); break;
                case "type": type = Str(ref r); break;
                case "source": source = Str(ref r); break;
                case "options": options = Strings(ref r); break;
                case "uidmappings": uidMappings = Objects(ref r, ReadIDMapping); break;
                case "gidmappings": gidMappings = Objects(ref r, ReadIDMapping); break;
                default: r.Skip(); break;
            }
        }
        return new Mount
        {
            Destination = destination, Type = type, Source = source, Options = options,
            UidMappings = uidMappings, GidMappings = gidMappings,
        };
    }

    private static LinuxIDMapping ReadIDMapping(ref Utf8JsonReader r)
    {
        uint containerID = 0, hostID = 0, size = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "containerid": containerID = U32(ref r); break;
                case "hostid": hostID = U32(ref r); break;
                case "size": size = U32(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxIDMapping { ContainerID = containerID, HostID = hostID, Size = size };
    }

    private static Hooks ReadHooks(ref Utf8JsonReader r)
    {
        List<Hook>? prestart = null, createRuntime = null, createContainer = null, startContainer = null, poststart = null, poststop = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "prestart": prestart = Objects(ref r, ReadHook); break;
                case "createruntime": createRuntime = Objects(ref r, ReadHook); break;
                case "createcontainer": createContainer = Objects(ref r, ReadHook); break;
                case "startcontainer": startContainer = Objects(ref r, ReadHook); break;
                case "poststart": poststart = Objects(ref r, ReadHook); break;
                case "poststop": poststop = Objects(ref r, ReadHook); break;
                default: r.Skip(); break;
            }
        }
        return new Hooks
        {
            Prestart = prestart, CreateRuntime = createRuntime, CreateContainer = createContainer,
            StartContainer = startContainer, Poststart = poststart, Poststop = poststop,
        };
    }

    private static Hook ReadHook(ref Utf8JsonReader r)
    {
        string path = null!;
        List<string>? args = null, env = null;
        int? timeout = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "path": path = StrReq(ref r); break;
                case "args": args = Strings(ref r); break;
                case "env": env = Strings(ref r); break;
                case "timeout": timeout = I32N(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new Hook { Path = path, Args = args, Env = env, Timeout = timeout };
    }
}
