using System.Runtime.InteropServices;
using System.Text;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>
/// The process family of the setup program: the order of DESIGN.md §4 steps 8 and 9 as operations (the
/// setup-order seam), the words of each failure, and the zone routines that need no privilege (PATH lookup, HOME,
/// `exec --user`) run in this process against files of the test's own.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class ProcessCompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocirun-test-proc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Spec SpecOf(string process, string linux = "{}") =>
        SetupFixture.SpecOf($$"""{"ociVersion":"1.2.0","process":{{process}},"linux":{{linux}}}""");

    private static InitPlan Plan(bool exec = false, byte[]? seccomp = null, uint flags = 0, int preserve = 0) => SetupFixture.Plan() with
    {
        Exec = exec, LastCap = 40, SeccompProgram = seccomp, SeccompFlags = flags, PreserveFds = preserve,
    };

    private static SetupContext Context(SetupProgram p, Spec spec, InitPlan plan) => SetupFixture.Context(p, spec, plan);

    /// <summary>The compiled operations as "field|step" (field empty for routines that word themselves).</summary>
    private static List<string> Steps(SetupProgram p) => p.Info.Select(i => $"{i.Field}|{i.Step}").ToList();

    private static int IndexOf(SetupProgram p, string step) => Steps(p).FindIndex(s => s.EndsWith("|" + step, StringComparison.Ordinal));

    private const string Basic = """{"args":["sh","-c","true"],"env":["PATH=/bin"],"cwd":"/work","user":{"uid":1000,"gid":100,"additionalGids":[5,6]},"noNewPrivileges":true,"capabilities":{"bounding":["CAP_KILL"],"effective":["CAP_KILL"],"permitted":["CAP_KILL"]}}""";

    [Fact]
    public void Privileges_are_given_up_in_the_order_of_step_8_and_the_descriptors_closed_last()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic), Plan(seccomp: new byte[16], preserve: 2));
        ProcessCompiler.Finish(c);
        ProcessCompiler.Exec(c);
        var steps = Steps(p);
        Assert.Equal(new[]
        {
            "|close the private procfs",
            "process.noNewPrivileges|prctl PR_SET_NO_NEW_PRIVS",
            "process.capabilities.bounding|drop from the bounding set",
            "process.user|prctl PR_SET_KEEPCAPS",
            "process.user.additionalGids [5,6]|setgroups",
            "process.user.gid 100|setresgid 100",
            "process.user.uid 1000|setresuid 1000",
            "process.user|prctl PR_SET_KEEPCAPS",
            "process.cwd|chdir /work",
            "|process.cwd",
            "process.user.umask|umask",
            "process.env|HOME from /etc/passwd",
            "|process.args[0]",
            "process.capabilities|capset",
            "process.capabilities.ambient|clear ambient capabilities",
            // noNewPrivileges: the filter comes last, so the calls before it are not subject to it.
            "linux.seccomp|load filter (2 instructions, flags 0x0)",
            "|mark descriptors close-on-exec",
            "|reset signal dispositions and mask",
            "|process.args[0]",
        }, steps);
        Assert.Contains("close_range(5, 0xffffffff, 4)", p.Info[IndexOf(p, "mark descriptors close-on-exec")].Call);
        // Nothing of the user's may see the private procfs: it is closed before the first credential change.
        Assert.Contains("close($0)", p.Info[0].Call);
        // create: a failed execve names the path it found in the words `start` reads from the exec FIFO.
        Assert.Contains(", words, \"process.args[0]: exec \")", p.Info[^1].Call);
    }

    [Fact]
    public void Create_resets_signals_once_before_the_gate_and_exec_once_before_execve()
    {
        // create: the reset that matters is the gate's (a created container must die by `kill` while it waits);
        // nothing after it changes a disposition, so the execve gets none of its own.
        using var created = new SetupProgram();
        var c = Context(created, SpecOf(Basic, """{"namespaces":[{"type":"mount"}]}"""), Plan() with { FifoFd = 9 });
        ProcessCompiler.Finish(c);
        StartCompiler.HoldContainerProc(c);
        StartCompiler.GateAndExec(c);
        var calls = created.Info.Select(i => i.Call).ToList();
        int gate = calls.FindIndex(s => s.StartsWith("exec-fifo-gate(", StringComparison.Ordinal));
        Assert.Equal([gate - 1], Enumerable.Range(0, calls.Count).Where(i => calls[i].StartsWith("reset-signals(", StringComparison.Ordinal)));
        Assert.StartsWith("exec(", calls[^1]);

        // exec: no gate, so the reset comes right before execve.
        using var joined = new SetupProgram();
        var e = Context(joined, SpecOf(Basic), Plan(exec: true));
        ProcessCompiler.Finish(e);
        ProcessCompiler.Exec(e);
        var steps = Steps(joined);
        Assert.Single(steps, s => s == "|reset signal dispositions and mask");
        Assert.Equal("|reset signal dispositions and mask", steps[^2]);
    }

    [Fact]
    public void Without_no_new_privileges_the_filter_is_loaded_before_the_bounding_set_and_the_user_change()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic.Replace("\"noNewPrivileges\":true", "\"noNewPrivileges\":false")), Plan(seccomp: new byte[8]));
        ProcessCompiler.Finish(c);
        int load = IndexOf(p, "load filter (1 instructions, flags 0x0)");
        Assert.True(load > 0);
        Assert.Equal(-1, IndexOf(p, "prctl PR_SET_NO_NEW_PRIVS"));
        Assert.True(load < IndexOf(p, "drop from the bounding set"));
        Assert.True(load < IndexOf(p, "setresuid 1000"));
    }

    [Fact]
    public void A_notify_filter_hands_its_listener_fd_to_the_parent_and_closes_it()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic), Plan(seccomp: new byte[8], flags: global::Seccomp.FilterFlags.NewListener));
        ProcessCompiler.Finish(c);
        int load = IndexOf(p, "load filter (1 instructions, flags 0x8)");
        string printed = p.Print().Split('\n')[load];
        Assert.Contains("-> $", printed);
        Assert.Equal("linux.seccomp.listenerPath|send the notify fd to the runtime", Steps(p)[load + 1]);
        Assert.Contains($"send-fd({(int)ZoneMessage.SeccompFd}, $", p.Info[load + 1].Call);
        Assert.Equal("linux.seccomp|close the notify fd", Steps(p)[load + 2]);
    }

    [Fact]
    public void In_a_user_namespace_setgroups_runs_only_if_proc_self_setgroups_allows_it_read_before_the_procfs_closes()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic, """{"namespaces":[{"type":"user"},{"type":"mount"}]}"""), Plan());
        ProcessCompiler.Finish(c);
        int read = IndexOf(p, "read /proc/self/setgroups");
        Assert.True(read >= 0 && read < IndexOf(p, "close the private procfs"));
        string setgroups = p.Print().Split('\n')[IndexOf(p, "setgroups")];
        Assert.Matches(@"if \$\d+ setgroups\(2, groups\)", setgroups);
    }

    [Fact]
    public void Rlimits_labels_and_scheduling_come_before_the_credentials_and_oom_score_and_sysctl_write_beneath_the_procfs()
    {
        using var p = new SetupProgram();
        var spec = SpecOf(Basic.Replace("\"cwd\"", """
            "rlimits":[{"type":"RLIMIT_NOFILE","hard":10,"soft":10}],"oomScoreAdj":100,
            "scheduler":{"policy":"SCHED_BATCH","nice":5},"ioPriority":{"class":"IOPRIO_CLASS_BE","priority":4},"cwd"
            """), """{"sysctl":{"net.ipv4.ip_forward":"1"},"personality":{"domain":"LINUX32"}}""");
        var c = Context(p, spec, Plan());
        ProcessCompiler.OomScore(c);
        ProcessCompiler.SysctlAndNames(c);
        ProcessCompiler.Finish(c);
        var steps = Steps(p);
        Assert.Equal("process.oomScoreAdj|write 100 to /proc/self/oom_score_adj", steps[0]);
        Assert.Equal("linux.sysctl[\"net.ipv4.ip_forward\"]|write 1 to /proc/sys/net/ipv4/ip_forward", steps[1]);
        Assert.Equal("linux.personality|personality(LINUX32)", steps[2]);
        Assert.Equal("process.rlimits|set by the runtime", steps[3]);
        Assert.Contains($"request({(int)ZoneMessage.Limits}, 0, 0)", p.Info[3].Call);
        int sched = IndexOf(p, "sched_setattr SCHED_BATCH nice=5 priority=0");
        Assert.True(sched > IndexOf(p, "close the private procfs") && sched < IndexOf(p, "prctl PR_SET_NO_NEW_PRIVS"));
        Assert.True(IndexOf(p, "ioprio_set IOPRIO_CLASS_BE 4") > sched);
    }

    [Fact]
    public void Unknown_names_fail_in_the_compiler_with_the_field()
    {
        using var p = new SetupProgram();
        var e = Assert.Throws<RuntimeError>(() => ProcessCompiler.Finish(Context(p, SpecOf(Basic.Replace("\"cwd\"", "\"scheduler\":{\"policy\":\"SCHED_NOPE\"},\"cwd\"")), Plan())));
        Assert.Equal("process.scheduler.policy: unknown scheduling policy \"SCHED_NOPE\"", e.Message);
        e = Assert.Throws<RuntimeError>(() => ProcessCompiler.SysctlAndNames(Context(p, SpecOf(Basic, """{"personality":{"domain":"PDP11"}}"""), Plan())));
        Assert.Equal("linux.personality.domain: unknown domain \"PDP11\"", e.Message);
    }

    [Fact]
    public void Failures_are_worded_as_the_init_path_words_them()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic.Replace("\"env\":[\"PATH=/bin\"]", "\"oomScoreAdj\":100,\"env\":[\"PATH=/usr/bin::/bin\"]")), Plan(exec: true));
        ProcessCompiler.OomScore(c);
        ProcessCompiler.Finish(c);
        ProcessCompiler.Exec(c);
        int find = IndexOf(p, "process.args[0]");
        Assert.Equal("process.args[0]: exec: \"sh\": executable file not found in $PATH", p.Describe(find, Errno.ENOENT, 1));
        Assert.Equal("process.args[0]: exec: \"sh\": permission denied", p.Describe(find, Errno.EACCES, 0));
        int exec = p.Count - 1;
        Assert.Contains(", 0, \"process.args[0]: exec \")", p.Info[exec].Call); // exec: the parent words it
        // The detail is what the lookup found: the k-th PATH entry (an empty one is ".").
        Assert.Equal("process.args[0]: exec /bin/sh: exec format error", p.Describe(exec, Errno.ENOEXEC, 3));
        Assert.Equal("process.args[0]: exec ./sh: no such file or directory", p.Describe(exec, Errno.ENOENT, 2));
        Assert.Equal("process.cwd: /work is outside the container's root (a leaked host descriptor?); refusing to run there",
            p.Describe(IndexOf(p, "process.cwd"), Errno.EXDEV, 1));
        Assert.Equal("process.user.uid 1000: setresuid 1000: Invalid argument (a uid the container's user namespace does not map)",
            p.Describe(IndexOf(p, "setresuid 1000"), Errno.EINVAL, 0));
        Assert.Equal("process.oomScoreAdj: write 100 to /proc/self/oom_score_adj: it is not the procfs file (a mount or symlink covers it)",
            p.Describe(0, Errno.EXDEV, 2));
        Assert.Equal("process.capabilities.bounding: drop from the bounding set: capability 7: Operation not permitted",
            p.Describe(IndexOf(p, "drop from the bounding set"), Errno.EPERM, 7));
    }

    [Fact]
    public void Exec_user_looks_the_ids_up_in_the_zone_and_the_credentials_take_them_from_slots()
    {
        using var p = new SetupProgram();
        var c = Context(p, SpecOf(Basic.Replace("\"uid\":1000", "\"username\":\"alice:wheel\",\"uid\":0")), Plan(exec: true));
        ProcessCompiler.ExecUser(c);
        ProcessCompiler.Finish(c);
        Assert.Equal("|--user", Steps(p)[0]);
        Assert.Equal("--user: no user \"alice\" in the container's /etc/passwd", p.Describe(0, Errno.ENOENT, 1));
        Assert.Equal("--user: no group \"wheel\" in the container's /etc/group", p.Describe(0, Errno.ENOENT, 2));
        string printed = p.Print();
        Assert.Contains($"setresuid(${c.UidSlot}, ${c.UidSlot}, ${c.UidSlot})", printed);
        Assert.Contains($"setresgid(${c.GidSlot}, ${c.GidSlot}, ${c.GidSlot})", printed);
        Assert.Contains($"setgroups(${c.GroupCountSlot}, groups)", printed);
        Assert.Contains($"set-home(${c.UidSlot}, ", printed);
    }

    // The routines themselves, in this process: they read only the files they are given.

    private static long RunRoutine(SetupProgram p, int kind, params long[] args)
    {
        var z = p.State != null ? p.State : p.Seal(-1);
        var op = new SetupOp { Kind = kind, Out = -1 };
        long* a = stackalloc long[SetupOp.ArgCount];
        for (int i = 0; i < SetupOp.ArgCount; i++) a[i] = i < args.Length ? args[i] : 0;
        z->Detail = 0;
        return ProcessRoutines.Run(z, &op, a);
    }

    private string Executable(string dir, string name, bool exec = true)
    {
        Directory.CreateDirectory(Path.Join(_dir, dir));
        string path = Path.Join(_dir, dir, name);
        File.WriteAllText(path, "#!/bin/sh\n");
        File.SetUnixFileMode(path, exec ? UnixFileMode.UserRead | UnixFileMode.UserExecute : UnixFileMode.UserRead);
        return path;
    }

    [Fact]
    public void Path_lookup_skips_missing_non_executable_and_directory_entries_and_reports_which_entry_it_found()
    {
        Executable("a", "tool", exec: false);
        Directory.CreateDirectory(Path.Join(_dir, "b", "tool"));
        string found = Executable("c", "tool");
        using var p = new SetupProgram();
        var buf = p.Buffer(4096);
        string path = $"{_dir}/none:{_dir}/a:{_dir}/b/:{_dir}/c";
        long r = RunRoutine(p, ProcessRoutines.FindExecutable, (long)p.Str("tool"), (long)p.Str(path), (long)buf, 4096);
        Assert.Equal(4, r);
        Assert.Equal(found, Marshal.PtrToStringUTF8((nint)buf));
        r = RunRoutine(p, ProcessRoutines.FindExecutable, (long)p.Str("nothing"), (long)p.Str(path), (long)buf, 4096);
        Assert.Equal(-Errno.ENOENT, r);
        Assert.Equal(1, p.State->Detail);
        // A name with a slash is taken as it is: a directory is refused as execve would (EACCES).
        r = RunRoutine(p, ProcessRoutines.FindExecutable, (long)p.Str(Path.Join(_dir, "b", "tool")), 0, (long)buf, 4096);
        Assert.Equal(-Errno.EACCES, r);
        r = RunRoutine(p, ProcessRoutines.FindExecutable, (long)p.Str(found), 0, (long)buf, 4096);
        Assert.Equal(0, r);
    }

    [Fact]
    public void Home_comes_from_the_passwd_file_by_uid_and_is_the_root_when_the_uid_is_not_there()
    {
        string passwd = Path.Join(_dir, "passwd");
        File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/sh\n" + new string('#', 70_000) + "\r\nbob:x:1001:1001::/home/bob:/bin/sh\r\nalice:x:1000:1000:A:/home/alice\n");
        using var p = new SetupProgram();
        byte** env = (byte**)p.Buffer(2 * sizeof(byte*));
        var buf = p.Buffer(4104);
        string Home(uint uid)
        {
            Assert.Equal(0, RunRoutine(p, ProcessRoutines.SetHome, uid, (long)env, (long)buf, 4104, (long)p.Str(passwd)));
            return Marshal.PtrToStringUTF8((nint)env[0])!;
        }
        Assert.Equal("HOME=/home/bob", Home(1001));
        Assert.Equal("HOME=/home/alice", Home(1000));
        Assert.Equal("HOME=/", Home(4242));
    }

    [Fact]
    public void Exec_user_finds_the_user_its_group_and_every_group_that_lists_it()
    {
        string passwd = Path.Join(_dir, "passwd"), group = Path.Join(_dir, "group");
        File.WriteAllText(passwd, "root:x:0:0:root:/root:/bin/sh\n#alice:x:7:7::/:/bin/sh\nalice:x:1000:1001:A:/home/alice:/bin/sh\n");
        File.WriteAllText(group, "root:x:0:\nstaff:x:50:bob,alice\nalicex:x:51:alicex\nwheel:x:10:alice\n");
        using var p = new SetupProgram();
        int uid = p.Slot("uid"), gid = p.Slot("gid"), count = p.Slot("count");
        var q = p.New<UserQuery>();
        q->Passwd = p.Str(passwd);
        q->Group = p.Str(group);
        q->GroupCap = 8;
        q->Groups = (uint*)p.Buffer(8 * sizeof(uint));
        q->Groups[0] = 10;
        q->PresetCount = 1;

        q->Name = p.Str("alice");
        Assert.Equal(0, RunRoutine(p, ProcessRoutines.LookupUser, (long)q, uid, gid, count));
        Assert.Equal(1000, p.State->Slots[uid]);
        Assert.Equal(1001, p.State->Slots[gid]);
        Assert.Equal(2, p.State->Slots[count]);
        Assert.Equal(new uint[] { 10, 50 }, new[] { q->Groups[0], q->Groups[1] });

        q->GroupName = p.Str("staff");
        Assert.Equal(0, RunRoutine(p, ProcessRoutines.LookupUser, (long)q, uid, gid, count));
        Assert.Equal(50, p.State->Slots[gid]);

        q->GroupName = p.Str("nope");
        Assert.Equal(-Errno.ENOENT, RunRoutine(p, ProcessRoutines.LookupUser, (long)q, uid, gid, count));
        Assert.Equal(2, p.State->Detail);

        q->GroupName = null;
        q->Name = p.Str("mallory");
        Assert.Equal(-Errno.ENOENT, RunRoutine(p, ProcessRoutines.LookupUser, (long)q, uid, gid, count));
        Assert.Equal(1, p.State->Detail);

        // A uid as given: its name (if any) only finds its groups; the gid stays the one given.
        q->Name = p.Str("1000");
        q->NameIsUid = 1;
        q->Uid = 1000;
        q->Gid = 3;
        Assert.Equal(0, RunRoutine(p, ProcessRoutines.LookupUser, (long)q, uid, gid, count));
        Assert.Equal(1000, p.State->Slots[uid]);
        Assert.Equal(3, p.State->Slots[gid]);
        Assert.Equal(2, p.State->Slots[count]);
    }
}
