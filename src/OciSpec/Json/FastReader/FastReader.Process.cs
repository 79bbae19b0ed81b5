using System.Text.Json;

namespace OciSpec;

// process (config.json's and the exec --process document).
internal static partial class FastReader
{
    private static Process ReadProcess(ref Utf8JsonReader r)
    {
        bool terminal = false, noNewPrivileges = false;
        Box? consoleSize = null;
        User user = null!;
        List<string>? args = null, env = null;
        string? commandLine = null, apparmorProfile = null, selinuxLabel = null;
        string cwd = null!;
        LinuxCapabilities? capabilities = null;
        List<PosixRlimit>? rlimits = null;
        int? oomScoreAdj = null;
        Scheduler? scheduler = null;
        LinuxIOPriority? ioPriority = null;
        CPUAffinity? execCPUAffinity = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "terminal": terminal = Bool(ref r); break;
                case "consolesize": consoleSize = Obj(ref r, ReadBox); break;
                case "user": user = ObjReq(ref r, ReadUser); break;
                case "args": args = Strings(ref r); break;
                case "commandline": commandLine = Str(ref r); break;
                case "env": env = Strings(ref r); break;
                case "cwd": cwd = StrReq(ref r); break;
                case "capabilities": capabilities = Obj(ref r, ReadCapabilities); break;
                case "rlimits": rlimits = Objects(ref r, ReadRlimit); break;
                case "nonewprivileges": noNewPrivileges = Bool(ref r); break;
                case "apparmorprofile": apparmorProfile = Str(ref r); break;
                case "oomscoreadj": oomScoreAdj = I32N(ref r); break;
                case "scheduler": scheduler = Obj(ref r, ReadScheduler); break;
                case "selinuxlabel": selinuxLabel = Str(ref r); break;
                case "iopriority": ioPriority = Obj(ref r, ReadIOPriority); break;
                case "execcpuaffinity": execCPUAffinity = Obj(ref r, ReadCPUAffinity); break;
                default: r.Skip(); break;
            }
        }
        return new Process
        {
            Terminal = terminal, ConsoleSize = consoleSize, User = user, Args = args, CommandLine = commandLine, Env = env,
            Cwd = cwd, Capabilities = capabilities, Rlimits = rlimits, NoNewPrivileges = noNewPrivileges,
            ApparmorProfile = apparmorProfile, OomScoreAdj = oomScoreAdj, Scheduler = scheduler, SelinuxLabel = selinuxLabel,
            IoPriority = ioPriority, ExecCPUAffinity = execCPUAffinity,
        };
    }

    private static Box ReadBox(ref Utf8JsonReader r)
    {
        uint height = 0, width = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "height": height = U32(ref r); break;
                case "width": width = U32(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new Box { Height = height, Width = width };
    }

    private static User ReadUser(ref Utf8JsonReader r)
    {
        uint uid = 0, gid = 0;
        uint? umask = null;
        List<uint>? additionalGids = null;
        string? username = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "uid": uid = U32(ref r); break;
                case "gid": gid = U32(ref r); break;
                case "umask": umask = U32N(ref r); break;
                case "additionalgids": additionalGids = UInts(ref r); break;
                case "username": username = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new User { Uid = uid, Gid = gid, Umask = umask, AdditionalGids = additionalGids, Username = username };
    }

    private static LinuxCapabilities ReadCapabilities(ref Utf8JsonReader r)
    {
        List<string>? bounding = null, effective = null, inheritable = null, permitted = null, ambient = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "bounding": bounding = Strings(ref r); break;
                case "effective": effective = Strings(ref r); break;
                case "inheritable": inheritable = Strings(ref r); break;
                case "permitted": permitted = Strings(ref r); break;
                case "ambient": ambient = Strings(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxCapabilities
        {
            Bounding = bounding, Effective = effective, Inheritable = inheritable, Permitted = permitted, Ambient = ambient,
        };
    }

    private static PosixRlimit ReadRlimit(ref Utf8JsonReader r)
    {
        string type = null!;
        ulong hard = 0, soft = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "type": type = StrReq(ref r); break;
                case "hard": hard = U64(ref r); break;
                case "soft": soft = U64(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new PosixRlimit { Type = type, Hard = hard, Soft = soft };
    }

    private static Scheduler ReadScheduler(ref Utf8JsonReader r)
    {
        string policy = null!;
        int nice = 0, priority = 0;
        List<string>? flags = null;
        ulong runtime = 0, deadline = 0, period = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "policy": policy = StrReq(ref r); break;
                case "nice": nice = I32(ref r); break;
                case "priority": priority = I32(ref r); break;
                case "flags": flags = Strings(ref r); break;
                case "runtime": runtime = U64(ref r); break;
                case "deadline": deadline = U64(ref r); break;
                case "period": period = U64(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new Scheduler
        {
            Policy = policy, Nice = nice, Priority = priority, Flags = flags, Runtime = runtime, Deadline = deadline, Period = period,
        };
    }

    private static LinuxIOPriority ReadIOPriority(ref Utf8JsonReader r)
    {
        string @class = null!;
        int priority = 0;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "class": @class = StrReq(ref r); break;
                case "priority": priority = I32(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new LinuxIOPriority { Class = @class, Priority = priority };
    }

    private static CPUAffinity ReadCPUAffinity(ref Utf8JsonReader r)
    {
        string? initial = null, final = null;
        Span<char> buf = stackalloc char[NameMax];
        for (int n; (n = NextProperty(ref r, buf)) >= 0;)
        {
            switch (buf[..n])
            {
                case "initial": initial = Str(ref r); break;
                case "final": final = Str(ref r); break;
                default: r.Skip(); break;
            }
        }
        return new CPUAffinity { Initial = initial, Final = final };
    }
}
