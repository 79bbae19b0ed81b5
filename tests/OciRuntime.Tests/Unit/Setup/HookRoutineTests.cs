using System.Diagnostics;
using System.Text;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>
/// The zone's hook routine run here, in the test process (it forks and execs /bin/sh, raw system calls only):
/// the state document on stdin, args and env, only stdio open, the output kept for the words, the timeout,
/// and the words before the gate (the parent's, from the memfd) and after it (made in the zone, for `start`).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class HookRoutineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocirun-test-hook").FullName;

    /// <summary>The forked child must not meet the JIT (its locks may be held by threads the fork left behind):
    /// everything the child runs is compiled first. The binary is compiled ahead of time, so the zone never does.</summary>
    static HookRoutineTests()
    {
        foreach (var m in typeof(HookRoutine).GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public))
            if (!m.IsGenericMethodDefinition) System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
        foreach (var m in typeof(Sys).GetMethods(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic).Where(m => m.Name is "Fast" or "syscall6" or "errno_location"))
            System.Runtime.CompilerServices.RuntimeHelpers.PrepareMethod(m.MethodHandle);
        Sys.Fast(Nr.close, -1); // binds errno's import
    }
    public void Dispose() => Directory.Delete(_dir, true);

    private sealed class Zone : IDisposable
    {
        public readonly SetupProgram P = new();
        public HookCall* Call;
        public ZoneState* Z;
        public int Out;
        private readonly byte* _states;
        private readonly int _len;

        public Zone(string script, int timeout = 0, string[]? env = null, long document = 0, string path = "/bin/sh")
        {
            Call = P.New<HookCall>();
            Call->Path = P.Str(path);
            Call->Argv = P.StrArray(["sh", "-c", script, "arg-zero"]);
            Call->Envp = P.StrArray(env ?? ["HOOK_VAR=from-env"]);
            Call->TimeoutSeconds = timeout;
            Call->Document = document;
            Call->Where = P.Str("hooks.startContainer[0]");
            Call->Words = P.Buffer(8192);
            Call->WordsSize = 8192;
            var states = Encoding.UTF8.GetBytes("{\"status\":\"creating\"}\n{\"status\":\"created\"}");
            _states = P.Bytes(states);
            _len = states.Length;
            fixed (byte* n = "t\0"u8) Out = (int)Sys.Fast(Nr.memfd_create, (long)n, 1);
            Sys.Fast(Nr.fcntl, Out, 4, Sys.O_APPEND);
            P.Routine(StartRoutines.Hook, "", "hooks.startContainer[0]");
            Z = P.Seal(-1);
        }

        public long Run() => HookRoutine.Run(Z, Call, Out, _states, _len);

        public string FailText => Z->FailText[0] == null ? "" : Encoding.UTF8.GetString(Z->FailText[0], ZoneLib.Strlen(Z->FailText[0]));

        public void Dispose()
        {
            Sys.Close(Out);
            if (Z->FifoFd >= 0) Sys.Close(Z->FifoFd);
            P.Dispose();
        }
    }

    [Fact]
    public void The_hook_gets_its_document_args_env_and_only_stdio()
    {
        string file = Path.Join(_dir, "seen");
        using var zone = new Zone($"cat > {file}.in; echo \"$0 $HOOK_VAR\" > {file}.env; exec ls /proc/self/fd > {file}.fds", document: 1);
        Assert.Equal(0, zone.Run());
        Assert.Equal("{\"status\":\"created\"}", File.ReadAllText(file + ".in"));
        Assert.Equal("arg-zero from-env", File.ReadAllText(file + ".env").Trim());
        Assert.Equal("0 1 2 3", string.Join(' ', File.ReadAllLines(file + ".fds"))); // 3: the directory ls reads
        using var first = new Zone($"cat > {file}.first");
        Assert.Equal(0, first.Run());
        Assert.Equal("{\"status\":\"creating\"}", File.ReadAllText(file + ".first"));
    }

    [Fact]
    public void Before_the_gate_a_failure_is_its_exit_status_and_the_parent_words_it_with_the_output()
    {
        using var zone = new Zone("echo hook-said-no >&2; echo more; exit 3");
        Assert.Equal(-Errno.EIO, zone.Run());
        Assert.Equal(HookRoutine.DetailExit | 3, zone.Z->Detail);
        Assert.Equal("/bin/sh failed (exit status 3): hook-said-no more", StartCompiler.HookWords("/bin/sh", null, Errno.EIO, zone.Z->Detail, zone.Out));
        Assert.Equal("", zone.FailText); // before the gate the zone words nothing
    }

    [Fact]
    public void After_the_gate_the_zone_words_the_failure_for_start()
    {
        using var zone = new Zone("echo '  hook-said-no'; echo second-line >&2; kill -TERM $$");
        zone.Z->FifoFd = Sys.Open("/dev/null", Sys.O_WRONLY);
        Assert.Equal(-Errno.EIO, zone.Run());
        Assert.Equal(ExecGate.WholeText, zone.Z->Detail);
        Assert.Equal("hooks.startContainer[0]: /bin/sh failed (killed by signal 15): hook-said-no second-line", zone.FailText);
    }

    [Fact]
    public void A_hook_past_its_timeout_is_killed()
    {
        using var zone = new Zone("exec sleep 30", timeout: 1);
        zone.Z->FifoFd = Sys.Open("/dev/null", Sys.O_WRONLY);
        var sw = Stopwatch.StartNew();
        Assert.Equal(-Errno.EIO, zone.Run());
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 10);
        Assert.Equal("hooks.startContainer[0]: /bin/sh timed out after 1s", zone.FailText);
    }

    [Fact]
    public void A_hook_that_cannot_be_started_reports_the_execs_errno()
    {
        using var zone = new Zone("true", path: Path.Join(_dir, "no-such-hook"));
        Assert.Equal(-Errno.ENOENT, zone.Run());
        Assert.Equal(HookRoutine.DetailStart, zone.Z->Detail);
    }
}
