using System.Text.Json;

namespace OciSpec;

// Every record in declaration order (the order the generated serializer writes).
internal static partial class FastWriter
{
    private static void WriteSpec(Utf8JsonWriter w, Spec v)
    {
        w.WriteStartObject();
        StrReq(w, "ociVersion", v.OciVersion);
        Obj(w, "process", v.Process, WriteProcess);
        Obj(w, "root", v.Root, WriteRoot);
        Str(w, "hostname", v.Hostname);
        Str(w, "domainname", v.Domainname);
        Objects(w, "mounts", v.Mounts, WriteMount);
        Obj(w, "hooks", v.Hooks, WriteHooks);
        StringMap(w, "annotations", v.Annotations);
        Obj(w, "linux", v.Linux, WriteLinux);
        w.WriteEndObject();
    }

    private static void WriteRoot(Utf8JsonWriter w, Root v)
    {
        w.WriteStartObject();
        StrReq(w, "path", v.Path);
        True(w, "readonly", v.Readonly);
        w.WriteEndObject();
    }

    private static void WriteMount(Utf8JsonWriter w, Mount v)
    {
        w.WriteStartObject();
        StrReq(w, "destination", v.Destination);
        Str(w, "type", v.Type);
        Str(w, "source", v.Source);
        Strings(w, "options", v.Options);
        Objects(w, "uidMappings", v.UidMappings, WriteIDMapping);
        Objects(w, "gidMappings", v.GidMappings, WriteIDMapping);
        w.WriteEndObject();
    }

    private static void WriteIDMapping(Utf8JsonWriter w, LinuxIDMapping v)
    {
        w.WriteStartObject();
        Num(w, "containerID", v.ContainerID);
        Num(w, "hostID", v.HostID);
        Num(w, "size", v.Size);
        w.WriteEndObject();
    }

    private static void WriteHooks(Utf8JsonWriter w, Hooks v)
    {
        w.WriteStartObject();
        Objects(w, "prestart", v.Prestart, WriteHook);
        Objects(w, "createRuntime", v.CreateRuntime, WriteHook);
        Objects(w, "createContainer", v.CreateContainer, WriteHook);
        Objects(w, "startContainer", v.StartContainer, WriteHook);
        Objects(w, "poststart", v.Poststart, WriteHook);
        Objects(w, "poststop", v.Poststop, WriteHook);
        w.WriteEndObject();
    }

    private static void WriteHook(Utf8JsonWriter w, Hook v)
    {
        w.WriteStartObject();
        StrReq(w, "path", v.Path);
        Strings(w, "args", v.Args);
        Strings(w, "env", v.Env);
        NumN(w, "timeout", v.Timeout);
        w.WriteEndObject();
    }

    // ---- process -------------------------------------------------------------------------------------------------

    private static void WriteProcess(Utf8JsonWriter w, Process v)
    {
        w.WriteStartObject();
        True(w, "terminal", v.Terminal);
        Obj(w, "consoleSize", v.ConsoleSize, WriteBox);
        ObjReq(w, "user", v.User, WriteUser);
        Strings(w, "args", v.Args);
        Str(w, "commandLine", v.CommandLine);
        Strings(w, "env", v.Env);
        StrReq(w, "cwd", v.Cwd);
        Obj(w, "capabilities", v.Capabilities, WriteCapabilities);
        Objects(w, "rlimits", v.Rlimits, WriteRlimit);
        True(w, "noNewPrivileges", v.NoNewPrivileges);
        Str(w, "apparmorProfile", v.ApparmorProfile);
        NumN(w, "oomScoreAdj", v.OomScoreAdj);
        Obj(w, "scheduler", v.Scheduler, WriteScheduler);
        Str(w, "selinuxLabel", v.SelinuxLabel);
        Obj(w, "ioPriority", v.IoPriority, WriteIOPriority);
        Obj(w, "execCPUAffinity", v.ExecCPUAffinity, WriteCPUAffinity);
        w.WriteEndObject();
    }

    private static void WriteBox(Utf8JsonWriter w, Box v)
    {
        w.WriteStartObject();
        Num(w, "height", v.Height);
        Num(w, "width", v.Width);
        w.WriteEndObject();
    }

    private static void WriteUser(Utf8JsonWriter w, User v)
    {
        w.WriteStartObject();
        Num(w, "uid", v.Uid);
        Num(w, "gid", v.Gid);
        NumN(w, "umask", v.Umask);
        UInts(w, "additionalGids", v.AdditionalGids);
        Str(w, "username", v.Username);
        w.WriteEndObject();
    }

    private static void WriteCapabilities(Utf8JsonWriter w, LinuxCapabilities v)
    {
        w.WriteStartObject();
        Strings(w, "bounding", v.Bounding);
        Strings(w, "effective", v.Effective);
        Strings(w, "inheritable", v.Inheritable);
        Strings(w, "permitted", v.Permitted);
        Strings(w, "ambient", v.Ambient);
        w.WriteEndObject();
    }

    private static void WriteRlimit(Utf8JsonWriter w, PosixRlimit v)
    {
        w.WriteStartObject();
        StrReq(w, "type", v.Type);
        Num(w, "hard", v.Hard);
        Num(w, "soft", v.Soft);
        w.WriteEndObject();
    }

    private static void WriteScheduler(Utf8JsonWriter w, Scheduler v)
    {
        w.WriteStartObject();
        StrReq(w, "policy", v.Policy);
        NumNonZero(w, "nice", v.Nice);
        NumNonZero(w, "priority", v.Priority);
        Strings(w, "flags", v.Flags);
        NumNonZero(w, "runtime", v.Runtime);
        NumNonZero(w, "deadline", v.Deadline);
        NumNonZero(w, "period", v.Period);
        w.WriteEndObject();
    }

    private static void WriteIOPriority(Utf8JsonWriter w, LinuxIOPriority v)
    {
        w.WriteStartObject();
        StrReq(w, "class", v.Class);
        Num(w, "priority", v.Priority);
        w.WriteEndObject();
    }

    private static void WriteCPUAffinity(Utf8JsonWriter w, CPUAffinity v)
    {
        w.WriteStartObject();
        Str(w, "initial", v.Initial);
        Str(w, "final", v.Final);
        w.WriteEndObject();
    }
}
