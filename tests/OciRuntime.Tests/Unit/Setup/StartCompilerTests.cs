using System.Text;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>The start family's part of the setup program, operation by operation (the setup-order seam): the
/// exec FIFO gate after default signals, startContainer hooks after it, the --init reaper's fork last before the
/// process family's execve; createContainer hooks; the console's steps in PtySetup's order.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class StartCompilerTests
{
    private static Spec SpecOf(string json) => SetupFixture.SpecOf(json);

    private const string MountNs = "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"}]}";
    private const string NoMountNs = "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}";

    private static string Hooks(string kind, int count) =>
        $"\"hooks\":{{\"{kind}\":[{string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"path\":\"/bin/h{i}\",\"args\":[\"h{i}\",\"x\"],\"timeout\":{i + 1}}}"))}]}}";

    private static InitPlan Plan(bool useInit = false, int console = -1) =>
        SetupFixture.Plan() with { FifoFd = 9, UseInit = useInit, ConsoleSocketFd = console, ParentHooks = true };

    /// <summary>The context as the orchestrator has it by then: the state buffer and its length slot exist.</summary>
    private static SetupContext Context(SetupProgram p, InitPlan plan, Spec spec)
    {
        var c = SetupFixture.Context(p, spec, plan);
        c.StateBufferSize = 4096;
        c.StateBuffer = p.Buffer(c.StateBufferSize);
        c.StateLenSlot = p.Slot("state-length", 0);
        // What the process family's Finish leaves for its Exec.
        c.ExecPath = p.Buffer(64);
        c.ExecArgv = p.StrArray(["true"]);
        c.ExecEnvp = p.StrArray([]);
        c.ExecFoundSlot = p.Slot("exec-found", 0);
        c.ExecPathOf = _ => "/bin/true";
        return c;
    }

    private static void Compile(Action step) => step();

    private static string[] Calls(SetupProgram p, int from = 0) => p.Info.Skip(from).Select(i => i.Call).ToArray();

    [Fact]
    public void The_gate_comes_after_default_signals_and_unblocked_ones_and_reopens_the_fifo_through_the_containers_proc()
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(), SpecOf("{\"process\":{\"args\":[\"true\"]}," + MountNs + "}"));
        // The container's /proc is held (and proven) after the masks of create, before Ready.
        StartCompiler.HoldContainerProc(c);
        Assert.Equal(["container-proc()"], Calls(p));
        Assert.Equal("mounts", p.Info[0].Step);
        int proc = c.GateProcSlot;
        int before = p.Count;
        Compile(() => StartCompiler.GateAndExec(c));
        var calls = Calls(p, before);
        Assert.Equal("reset-signals(0)", calls[0]);
        Assert.Matches($@"^exec-fifo-gate\(\$\d+, \${proc}\)$", calls[1]); // the FIFO's slot, the container's /proc
        Assert.Contains(9, p.InputFds);
        Assert.Equal("wait for start on the exec fifo", p.Info[before + 1].Step);
        // Nothing of the start family's between the gate and the process family's execve without hooks or --init.
        Assert.DoesNotContain(calls.Skip(2), s => s.StartsWith("hook(", StringComparison.Ordinal) || s.StartsWith("init-reaper(", StringComparison.Ordinal));
        Assert.StartsWith("exec(", calls[^1]); // execve
        Assert.True(p.Info.Count > before + 2);
    }

    [Fact]
    public void With_init_the_reapers_signals_stay_blocked_through_the_gate_and_start_container_hooks_run_before_the_fork()
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(useInit: true), SpecOf("{\"process\":{\"args\":[\"true\"],\"terminal\":true}," + MountNs + "," + Hooks("startContainer", 2) + "}"));
        StartCompiler.HoldContainerProc(c);
        int before = p.Count;
        Compile(() => StartCompiler.GateAndExec(c));
        var info = p.Info.Skip(before).ToArray();
        Assert.Equal($"reset-signals(0x{ReaperSignals.BlockedMask:x})", info[0].Call);
        Assert.Equal("wait for start on the exec fifo", info[1].Step);
        Assert.Equal("hooks.startContainer[0]", info[2].Step);
        Assert.Equal("hooks.startContainer[1]", info[3].Step);
        Assert.StartsWith("hook(/bin/h1, ", info[3].Call);
        Assert.Equal("--init", info[4].Field);
        Assert.Equal($"init-reaper(1, 0x{ReaperSignals.BlockedMask:x}, argument-area)", info[4].Call); // 1: a terminal (the child takes the foreground)
        Assert.StartsWith("exec(", info[^1].Call); // the child goes on to execve
    }

    [Fact]
    public void Without_a_mount_namespace_the_gate_reopens_the_fifo_through_the_hosts_proc_held_before_the_chroot()
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(), SpecOf("{\"process\":{\"args\":[\"true\"]}," + NoMountNs + "}"));
        MountCompiler.Root(c); // holds the host's /proc before the chroot
        int hostProc = c.HostProcSlot;
        Assert.True(hostProc >= 0);
        int before = p.Count;
        Compile(() => StartCompiler.GateAndExec(c));
        Assert.Matches($@"^exec-fifo-gate\(\$\d+, \${hostProc}\)$", p.Info[before + 1].Call);
    }

    [Fact]
    public void Create_container_hooks_are_one_operation_each_named_for_their_field()
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(), SpecOf("{\"process\":{\"args\":[\"true\"]}," + MountNs + "," + Hooks("createContainer", 3) + "}"));
        StartCompiler.CreateContainerHooks(c);
        Assert.Equal(["hooks.createContainer[0]", "hooks.createContainer[1]", "hooks.createContainer[2]"], p.Info.Select(i => i.Step).ToArray());
        Assert.All(p.Info, i => Assert.Equal("", i.Field)); // the step is the field: the words are HookRunner's
        Assert.Equal(-1, c.HostProcSlot);
        Assert.True(c.HookOutputFd >= 0);
        Assert.Contains(c.HookOutputFd, p.InputFds);
    }

    [Fact]
    public void No_hooks_no_operations_and_a_terminal_without_a_console_socket_shares_the_callers_stdio()
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(), SpecOf("{\"process\":{\"args\":[\"true\"],\"terminal\":true}," + MountNs + "}"));
        StartCompiler.CreateContainerHooks(c);
        StartCompiler.Console(c, bindConsole: false);
        Assert.Equal(0, p.Count);
        Assert.Equal(-1, c.HookOutputFd);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_console_is_proven_bound_sent_then_made_stdio_and_controlling_terminal(bool bindConsole)
    {
        using var p = new SetupProgram();
        var c = Context(p, Plan(console: 12), SpecOf("{\"process\":{\"args\":[\"sh\"],\"terminal\":true,\"consoleSize\":{\"height\":31,\"width\":97}}," + MountNs + "}"));
        StartCompiler.Console(c, bindConsole);
        var steps = p.Info.Select(i => i.Field == "" ? "[" + i.Call[..i.Call.IndexOf('(')] + "]" : i.Step).ToList();
        var expected = new List<string>();
        expected.AddRange(
        [
            "open /", "[open-ptmx]", "unlock pty", "open the pty slave from its master (TIOCGPTPEER)", "set the console size",
        ]);
        if (bindConsole) expected.Add("[bind-console]");
        expected.AddRange(["[send-pty-master]", "dup pty to stdio", "dup pty to stdio", "dup pty to stdio", "set controlling terminal", "close", "close", "close", "close"]);
        Assert.Equal(expected, steps);
        Assert.Contains(12, p.InputFds);
        Assert.Contains("{31, 97}", p.Info[4].Call);
        // The ptmx is reopened through the verified procfs of the program, not a path.
        Assert.EndsWith($"${c.ProcSlot})", p.Info[1].Call);
    }

    [Fact]
    public void A_program_failure_after_the_gate_reads_as_one_line_and_inits_own_message_passes_through()
    {
        Assert.Equal("process.args[0]: exec /bin/nope: no such file or directory",
            ExecGate.Words("process.args[0]: exec /bin/nope\u00012\u00010"u8));
        Assert.Equal("hooks.startContainer[0]: /bin/sh failed (exit status 3): no",
            ExecGate.Words(Encoding.UTF8.GetBytes($"hooks.startContainer[0]: /bin/sh failed (exit status 3): no\u00015\u0001{ExecGate.WholeText}")));
        Assert.Equal("process.cwd: chdir /x: No such file or directory", ExecGate.Words("process.cwd: chdir /x: No such file or directory"u8));
    }

    [Fact]
    public void Words_of_a_failed_hook_are_hook_runners()
    {
        Assert.Equal("/bin/sh timed out after 5s", StartCompiler.HookWords("/bin/sh", 5, Errno.EIO, HookRoutine.DetailTimeout, -1));
        Assert.Equal("/bin/sh failed (killed by signal 9)", StartCompiler.HookWords("/bin/sh", null, Errno.EIO, HookRoutine.DetailSignal | 9, -1));
        Assert.Equal("start /nope: No such file or directory", StartCompiler.HookWords("/nope", null, Errno.ENOENT, HookRoutine.DetailStart, -1));
    }
}
