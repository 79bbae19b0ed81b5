using System.Globalization;
using System.Text;
using OciRuntime.Interop;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Compiles the process family's part of the setup program (see SetupCompiler for the order): oom score, sysctl,
/// personality and names, then DESIGN.md §4 steps 8 and 9 (privileges given up in order, descriptors, the user
/// process resolved), and the final execve. What the host can answer (capability masks, BPF, scheduling values,
/// which LSM file exists) is decided here; what depends on the container's view (PATH, /etc/passwd, the cwd) is a
/// routine of <see cref="ProcessRoutines"/>. Error words are those the managed init had (Security/*).
/// </summary>
internal static unsafe class ProcessCompiler
{
    private const int PathMax = 4096;

    internal static void OomScore(SetupContext c)
    {
        if (c.Process.OomScoreAdj is int oom)
            ProcWrite(c, "process.oomScoreAdj", "self/oom_score_adj", oom.ToString(CultureInfo.InvariantCulture));
    }

    internal static void SysctlAndNames(SetupContext c)
    {
        foreach (var (key, value) in c.Linux.Sysctl ?? [])
            ProcWrite(c, $"linux.sysctl[\"{key}\"]", "sys/" + key.Replace('.', '/'), value);
        if (c.Linux.Personality is { } per)
        {
            long domain = per.Domain switch
            {
                "LINUX" => 0x0000,
                "LINUX32" => 0x0008,
                _ => throw new RuntimeError($"linux.personality.domain: unknown domain \"{per.Domain}\""),
            };
            c.P.Syscall("linux.personality", $"personality({per.Domain})", Nr.personality, domain);
        }
        if (!string.IsNullOrEmpty(c.Spec.Hostname)) SetName(c, Nr.sethostname, c.Spec.Hostname, "hostname");
        if (!string.IsNullOrEmpty(c.Spec.Domainname)) SetName(c, Nr.setdomainname, c.Spec.Domainname, "domainname");
    }

    /// <summary>`exec --user NAME[:GROUP]`: looked up in the container's /etc/passwd and /etc/group (the zone is
    /// already in its mount namespace); the ids land in slots that Finish uses.</summary>
    internal static void ExecUser(SetupContext c)
    {
        var user = c.Process.User;
        if (string.IsNullOrEmpty(user.Username)) return;
        var p = c.P;
        var parts = user.Username.Split(':', 2);
        var q = p.New<UserQuery>();
        q->Name = p.Str(parts[0]);
        q->NameIsUid = uint.TryParse(parts[0], out uint uid) ? 1 : 0;
        q->Uid = uid;
        q->Gid = user.Gid;
        q->Passwd = p.Str("/etc/passwd");
        q->Group = p.Str("/etc/group");
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (uint.TryParse(parts[1], out uint gid)) q->Gid = gid;
            else q->GroupName = p.Str(parts[1]);
        }
        var preset = user.AdditionalGids ?? [];
        q->GroupCap = preset.Count + 256;
        q->Groups = (uint*)p.Buffer(q->GroupCap * sizeof(uint));
        for (int i = 0; i < preset.Count; i++) q->Groups[i] = preset[i];
        q->PresetCount = preset.Count;
        c.UidSlot = p.Slot("uid");
        c.GidSlot = p.Slot("gid");
        c.GroupCountSlot = p.Slot("groups");
        c.GroupBuffer = q->Groups;
        string name = parts[0], group = parts.Length == 2 ? parts[1] : "";
        p.Routine(ProcessRoutines.LookupUser, "", "--user", Arg.Ptr(q, "query"), c.UidSlot, c.GidSlot, c.GroupCountSlot)
            .Words((e, d) => d switch
            {
                1 => $"no user \"{name}\" in the container's /etc/passwd",
                2 => $"no group \"{group}\" in the container's /etc/group",
                _ => $"look up \"{user.Username}\": {SyscallException.Describe(e)}",
            });
    }

    /// <summary>Steps 8 and 9, shared by create and exec: privileges given up in order, then the descriptors.</summary>
    internal static void Finish(SetupContext c)
    {
        var p = c.P;
        var process = c.Process;
        int lastCap = c.Plan.LastCap >= 0 ? c.Plan.LastCap : CapabilitySets.LastCap();
        var caps = CapabilitySets.From(process.Capabilities, lastCap);
        if (process.Args is not { Count: > 0 }) throw new RuntimeError("process.args: must name the program to run");

        // 8. The parent sets the rlimits first, while we still have its credentials.
        if (process.Rlimits is { Count: > 0 })
            p.Routine(CoreRoutines.Request, "process.rlimits", "set by the runtime", (long)ZoneMessage.Limits, 0, 0);
        // Labels for the next execve, while we still hold the capabilities they may need.
        Lsm(c);
        int setgroups = -1;
        if (c.UserNs)
        {
            setgroups = p.Slot("setgroups-allowed", 0);
            p.Routine(CoreRoutines.ProcStartsWith, "process.user.additionalGids", "read /proc/self/setgroups",
                Arg.Slot(c.ProcSlot), p.StrArg("self/setgroups"), p.StrArg("allow")).Into(setgroups);
        }
        // The last /proc write is done: nothing of the user's may inherit a procfs without the masks.
        p.Syscall("", "close the private procfs", Nr.close, Arg.Slot(c.ProcSlot));
        Scheduling(c);
        if (process.NoNewPrivileges)
            p.Syscall("process.noNewPrivileges", "prctl PR_SET_NO_NEW_PRIVS", Nr.prctl, Sys.PR_SET_NO_NEW_PRIVS, 1);
        if (!process.NoNewPrivileges) Seccomp(c);
        p.Routine(ProcessRoutines.DropBounding, "process.capabilities.bounding", "drop from the bounding set", (long)caps.Bounding, lastCap)
            .Words((e, d) => $"capability {d}: {SyscallException.Describe(e)}");
        SwitchUser(c, setgroups);

        string cwd = string.IsNullOrEmpty(process.Cwd) ? "/" : process.Cwd;
        p.Syscall("process.cwd", $"chdir {cwd}", Nr.chdir, p.StrArg(cwd));
        p.Routine(ProcessRoutines.CheckCwd, "", "process.cwd").Words((e, d) => d == 1
            ? $"{cwd} is outside the container's root (a leaked host descriptor?); refusing to run there"
            : $"check {cwd} is inside the container's root: {SyscallException.Describe(e)}");
        p.Syscall("process.user.umask", "umask", Nr.umask, process.User.Umask ?? 0x12);
        Target(c);
        SetCapabilities(c, caps);
        if (process.NoNewPrivileges) Seccomp(c);

        // 9. Nothing but stdio and the preserved descriptors may reach the user process.
        p.Syscall("", "mark descriptors close-on-exec", Nr.close_range, 3 + c.Plan.PreserveFds, uint.MaxValue, Sys.CLOSE_RANGE_CLOEXEC);
    }

    /// <summary>Default signal dispositions and an empty mask (unless the gate's reset already gave them: a created
    /// container must die by `kill` while it waits, so that reset is the one that matters), then execve of the
    /// target Finish resolved.</summary>
    internal static void Exec(SetupContext c)
    {
        if (c.ExecPath == null) throw new NotCompiled("process: Exec without Finish (no resolved target)");
        var p = c.P;
        if (!c.SignalsReset) p.Routine(CoreRoutines.ResetSignals, "", "reset signal dispositions and mask", 0);
        // After the gate (create) the zone puts the path it found into the words `start` reads from the exec FIFO;
        // `exec` hears the failure on the sync socket and words it here.
        byte* words = c.Plan.Exec ? null : p.Buffer(ProcessRoutines.WordsSize);
        var pathOf = c.ExecPathOf!;
        p.Routine(ProcessRoutines.Exec, "", "process.args[0]", Arg.Ptr(c.ExecPath, "path"), Arg.Ptr(c.ExecArgv, "argv"),
                Arg.Ptr(c.ExecEnvp, "envp"), Arg.Slot(c.ExecFoundSlot), words == null ? 0 : Arg.Ptr(words, "words"), p.StrArg("process.args[0]: exec "))
            .Words((e, d) => $"exec {pathOf(d)}: {ExecTarget.ErrnoText(e)}");
    }

    /// <summary>argv, envp with HOME from the container's /etc/passwd when the config sets none, and args[0] looked
    /// up in the container's PATH (ExecTarget's rules), as the user, after the chdir.</summary>
    private static void Target(SetupContext c)
    {
        var p = c.P;
        var args = c.Process.Args!;
        var env = c.Process.Env ?? [];
        bool hasHome = env.Any(e => e.StartsWith("HOME=", StringComparison.Ordinal));
        c.ExecArgv = p.StrArray(args);
        c.ExecEnvp = p.StrArray(env, spare: hasHome ? 0 : 1);
        if (!hasHome)
        {
            Arg uid = c.UidSlot >= 0 ? Arg.Slot(c.UidSlot) : (long)c.Process.User.Uid;
            p.Routine(ProcessRoutines.SetHome, "process.env", "HOME from /etc/passwd", uid, Arg.Ptr(c.ExecEnvp + env.Count, "envp[HOME]"),
                Arg.Ptr(p.Buffer(PathMax + 8), "home"), PathMax + 8, p.StrArg("/etc/passwd"));
        }

        string name = args[0];
        string? pathVar = name.Contains('/') ? null
            : env.FirstOrDefault(e => e.StartsWith("PATH=", StringComparison.Ordinal))?[5..] ?? ExecTarget.DefaultPath;
        string[] dirs = pathVar?.Split(':') ?? [];
        c.ExecPathOf = found => found <= 0 || found > dirs.Length ? name : Path.Join(dirs[found - 1].Length == 0 ? "." : dirs[found - 1], name);
        c.ExecPath = p.Buffer(PathMax);
        c.ExecFoundSlot = p.Slot("exec-found", 0);
        p.Routine(ProcessRoutines.FindExecutable, "", "process.args[0]", p.StrArg(name), pathVar is null ? 0 : p.StrArg(pathVar),
                Arg.Ptr(c.ExecPath, "path"), PathMax)
            .Into(c.ExecFoundSlot)
            .Words((e, d) => $"exec: \"{name}\": {(d == 1 ? "executable file not found in $PATH" : ExecTarget.ErrnoText(e))}");
    }

    private static void SwitchUser(SetupContext c, int setgroupsSlot)
    {
        var p = c.P;
        var user = c.Process.User;
        bool lookedUp = c.UidSlot >= 0;
        p.Syscall("process.user", "prctl PR_SET_KEEPCAPS", Nr.prctl, Sys.PR_SET_KEEPCAPS, 1);
        OpRef groups;
        if (lookedUp)
        {
            groups = p.Syscall("process.user.additionalGids", "setgroups", Nr.setgroups, Arg.Slot(c.GroupCountSlot), Arg.Ptr(c.GroupBuffer, "groups"));
        }
        else
        {
            var list = user.AdditionalGids ?? [];
            var buf = (uint*)p.Buffer(Math.Max(1, list.Count) * sizeof(uint));
            for (int i = 0; i < list.Count; i++) buf[i] = list[i];
            groups = p.Syscall($"process.user.additionalGids [{string.Join(',', list)}]", "setgroups", Nr.setgroups, list.Count, Arg.Ptr(buf, "groups"));
        }
        groups.Words(Unmapped("gid"));
        if (setgroupsSlot >= 0) groups.When(setgroupsSlot);
        if (lookedUp)
        {
            p.Syscall("process.user.gid", "setresgid", Nr.setresgid, Arg.Slot(c.GidSlot), Arg.Slot(c.GidSlot), Arg.Slot(c.GidSlot)).Words(Unmapped("gid"));
            p.Syscall("process.user.uid", "setresuid", Nr.setresuid, Arg.Slot(c.UidSlot), Arg.Slot(c.UidSlot), Arg.Slot(c.UidSlot)).Words(Unmapped("uid"));
        }
        else
        {
            p.Syscall($"process.user.gid {user.Gid}", $"setresgid {user.Gid}", Nr.setresgid, user.Gid, user.Gid, user.Gid).Words(Unmapped("gid"));
            p.Syscall($"process.user.uid {user.Uid}", $"setresuid {user.Uid}", Nr.setresuid, user.Uid, user.Uid, user.Uid).Words(Unmapped("uid"));
        }
        p.Syscall("process.user", "prctl PR_SET_KEEPCAPS", Nr.prctl, Sys.PR_SET_KEEPCAPS, 0);
    }

    /// <summary>EINVAL from these calls means the id has no mapping in the container's user namespace.</summary>
    private static Func<int, int, string> Unmapped(string kind) => (e, _) =>
        SyscallException.Describe(e) + (e == Errno.EINVAL ? $" (a {kind} the container's user namespace does not map)" : "");

    private static void SetCapabilities(SetupContext c, CapabilitySets caps)
    {
        var p = c.P;
        var hdr = (uint*)p.Buffer(2 * sizeof(uint));
        hdr[0] = Sys.LINUX_CAPABILITY_VERSION_3;
        var data = (uint*)p.Buffer(6 * sizeof(uint));
        data[0] = (uint)caps.Effective; data[1] = (uint)caps.Permitted; data[2] = (uint)caps.Inheritable;
        data[3] = (uint)(caps.Effective >> 32); data[4] = (uint)(caps.Permitted >> 32); data[5] = (uint)(caps.Inheritable >> 32);
        p.Syscall("process.capabilities", "capset", Nr.capset, Arg.Ptr(hdr, "v3"), Arg.Ptr(data, $"e=0x{caps.Effective:x} p=0x{caps.Permitted:x} i=0x{caps.Inheritable:x}"));
        p.Syscall("process.capabilities.ambient", "clear ambient capabilities", Nr.prctl, Sys.PR_CAP_AMBIENT, Sys.PR_CAP_AMBIENT_CLEAR_ALL);
        // The kernel raises an ambient capability only if it is permitted and inheritable. runc's default config
        // lists ambient capabilities without inheritable ones; like runc, such a raise is skipped, not fatal.
        ulong raisable = caps.Ambient & caps.Permitted & caps.Inheritable;
        for (int cap = 0; cap < 64; cap++)
            if ((raisable & (1UL << cap)) != 0)
                p.Syscall("process.capabilities.ambient", $"raise ambient capability {cap}", Nr.prctl, Sys.PR_CAP_AMBIENT, Sys.PR_CAP_AMBIENT_RAISE, cap);
    }

    /// <summary>The filter the parent compiled; with a notify rule the listener fd goes to the parent, which passes
    /// it to listenerPath before it answers.</summary>
    private static void Seccomp(SetupContext c)
    {
        byte[]? program = c.Plan.SeccompProgram;
        if (program is not { Length: > 0 }) return;
        var p = c.P;
        uint flags = c.Plan.SeccompFlags;
        var filter = p.Bytes(program);
        var fprog = (ulong*)p.Buffer(2 * sizeof(ulong)); // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
        fprog[0] = (ulong)(program.Length / 8);
        fprog[1] = (ulong)filter;
        const int SECCOMP_SET_MODE_FILTER = 1;
        var load = p.Syscall("linux.seccomp", $"load filter ({program.Length / 8} instructions, flags 0x{flags:x})", Nr.seccomp,
            SECCOMP_SET_MODE_FILTER, flags, Arg.Ptr(fprog, "filter"));
        // With TSYNC alone a positive result names a thread that could not take the filter: the zone has one thread.
        if ((flags & global::Seccomp.FilterFlags.NewListener) == 0) return;
        int notify = p.Slot("seccomp-notify");
        load.Into(notify);
        p.Routine(CoreRoutines.SendFd, "linux.seccomp.listenerPath", "send the notify fd to the runtime", (long)ZoneMessage.SeccompFd, Arg.Slot(notify));
        p.Syscall("linux.seccomp", "close the notify fd", Nr.close, Arg.Slot(notify));
    }

    /// <summary>process.apparmorProfile and process.selinuxLabel (LsmSetup's rules; the parent has checked that the
    /// LSM is enabled). Which AppArmor file exists is a property of the kernel, the same here as in the zone.</summary>
    private static void Lsm(SetupContext c)
    {
        var process = c.Process;
        if (!string.IsNullOrEmpty(process.ApparmorProfile))
        {
            const string stacked = "thread-self/attr/apparmor/exec";
            string path = File.Exists("/proc/" + stacked) ? stacked : "thread-self/attr/exec";
            ProcWrite(c, "process.apparmorProfile", path, "exec " + process.ApparmorProfile);
        }
        if (!string.IsNullOrEmpty(process.SelinuxLabel))
            ProcWrite(c, "process.selinuxLabel", "thread-self/attr/exec", process.SelinuxLabel);
    }

    /// <summary>process.scheduler, ioPriority and execCPUAffinity as system calls with their arguments built here; "initial" affinity is the parent's.</summary>
    private static void Scheduling(SetupContext c)
    {
        var p = c.P;
        var process = c.Process;
        if (process.Scheduler is { } s)
        {
            var (policy, flags) = Security.Scheduling.PolicyOf(s);
            var attr = p.Buffer(56); // struct sched_attr (VER0 fields; the util clamps of VER1 stay zero)
            *(uint*)attr = 56;
            *(uint*)(attr + 4) = (uint)policy;
            *(ulong*)(attr + 8) = flags;
            *(int*)(attr + 16) = s.Nice;
            *(uint*)(attr + 20) = (uint)s.Priority;
            *(ulong*)(attr + 24) = s.Runtime;
            *(ulong*)(attr + 32) = s.Deadline;
            *(ulong*)(attr + 40) = s.Period;
            p.Syscall("process.scheduler", $"sched_setattr {s.Policy} nice={s.Nice} priority={s.Priority}", Nr.sched_setattr, 0, Arg.Ptr(attr, "attr"), 0)
                .Words((e, _) => SyscallException.Describe(e) + (e == Errno.EPERM ? " (a real-time policy or a negative nice needs CAP_SYS_NICE, and RLIMIT_RTPRIO/RLIMIT_NICE or the cgroup's real-time budget may forbid it)" : ""));
        }
        if (process.IoPriority is { } io)
        {
            const int IOPRIO_WHO_PROCESS = 1;
            p.Syscall("process.ioPriority", $"ioprio_set {io.Class} {io.Priority}", Nr.ioprio_set, IOPRIO_WHO_PROCESS, 0, Security.Scheduling.IoPriorityOf(io));
        }
        if (c.Linux.MemoryPolicy is { } mp)
        {
            var (mode, mask) = Security.Scheduling.MemoryPolicyOf(mp);
            var words = (ulong*)p.Buffer(Math.Max(1, mask.Length) * sizeof(ulong));
            for (int i = 0; i < mask.Length; i++) words[i] = mask[i];
            // maxnode counts bits plus one (the kernel decrements it first); a null mask for "no nodes".
            long maxnode = mask.Length == 0 ? 0 : mask.Length * 64L + 1;
            p.Syscall("linux.memoryPolicy", $"set_mempolicy {mp.Mode} nodes \"{mp.Nodes}\"", Nr.set_mempolicy, mode,
                mask.Length == 0 ? 0 : Arg.Ptr(words, "nodes"), maxnode);
        }
        // "final": after the transition to the container's cgroup, which the parent confirmed before the zone ran.
        if (!string.IsNullOrEmpty(process.ExecCPUAffinity?.Final))
        {
            const string field = "process.execCPUAffinity.final";
            string cpus = process.ExecCPUAffinity.Final;
            ulong[] mask = Security.Scheduling.ParseList(cpus, field);
            var words = (ulong*)p.Buffer(mask.Length * sizeof(ulong));
            for (int i = 0; i < mask.Length; i++) words[i] = mask[i];
            p.Syscall(field, $"sched_setaffinity \"{cpus}\"", Nr.sched_setaffinity, 0, mask.Length * 8L, Arg.Ptr(words, "cpus"));
        }
    }

    /// <summary>One write beneath the verified procfs (ProcHandle.Write's words).</summary>
    private static void ProcWrite(SetupContext c, string field, string path, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        c.P.Routine(CoreRoutines.ProcWrite, field, $"write {value.TrimEnd('\n').Replace('\n', ',')} to /proc/{path}",
                Arg.Slot(c.ProcSlot), c.P.StrArg(path), Arg.Ptr(c.P.Bytes(bytes), "\"" + value + "\""), bytes.Length)
            .Words((e, d) => d == 3 || e == Errno.EXDEV || e == Errno.ELOOP
                ? "it is not the procfs file (a mount or symlink covers it)"
                : SyscallException.Describe(e));
    }

    private static void SetName(SetupContext c, long nr, string name, string field)
    {
        byte[] b = Encoding.UTF8.GetBytes(name);
        c.P.Syscall(field, $"set \"{name}\"", nr, Arg.Ptr(c.P.Bytes(b), "\"" + name + "\""), b.Length);
    }
}
