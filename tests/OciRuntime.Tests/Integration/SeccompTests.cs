using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using OciRuntime.Interop;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration;

/// <summary>linux.seccomp from inside real containers: Docker's default profile, both load moments, and
/// SCMP_ACT_NOTIFY with a listener in the test that answers the container's syscalls.</summary>
public sealed class SeccompTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    internal static string DockerProfilePath =>
        Path.Join(RuntimeBinary.RepoRoot, "testdata", "seccomp", "docker-default.oci-amd64.json");

    private static JsonObject DockerProfile() => JsonNode.Parse(File.ReadAllText(DockerProfilePath))!.AsObject();

    private static IEnumerable<string> Lines(string s) => ProcessTests.Lines(s);

    // unshare(CLONE_NEWUSER) needs no capability, so without a filter it works for the container's root;
    // Docker's profile gives it SCMP_ACT_ERRNO (EPERM) unless CAP_SYS_ADMIN is granted.
    private const string Probe =
        "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; unshare -U true; echo unshare=$?; mkdir /dev/shm/d && echo mkdir=$?; cat /proc/self/stat >/dev/null && echo read=ok";

    [Fact]
    public void Without_a_profile_the_probe_syscall_works()
    {
        var r = _s.Run(_s.NewBundle().Shell(Probe));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("Seccomp:\t0", r.Stdout);
        Assert.Contains("unshare=0", r.Stdout);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Docker_profile_denies_with_EPERM_and_allows_the_rest_with_either_noNewPrivileges(bool noNewPrivileges)
    {
        var b = _s.NewBundle().Shell(Probe);
        b.Linux["seccomp"] = DockerProfile();
        b.Process["noNewPrivileges"] = noNewPrivileges;
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).ToArray();
        Assert.Contains("Seccomp:\t2", lines.Select(l => l.Replace("Seccomp: ", "Seccomp:\t")));
        Assert.Contains($"NoNewPrivs:\t{(noNewPrivileges ? 1 : 0)}", r.Stdout);
        Assert.Contains("unshare=1", lines);
        Assert.Contains("unshare(0x10000000): Operation not permitted", r.Stderr);
        Assert.Contains("mkdir=0", lines);
        Assert.Contains("read=ok", lines);
    }

    [Fact]
    public void A_filter_from_the_cache_denies_what_the_compiled_one_did_and_a_changed_profile_is_compiled_anew()
    {
        var b = _s.NewBundle().Shell(Probe);
        b.Linux["seccomp"] = DockerProfile();
        var first = _s.Run(b);
        Assert.True(first.ExitCode == 0, first.ToString());
        // The first container of a fresh --root fills the cache, and the root it made is the state store's 0700.
        string cache = Path.Join(_s.Root, ".seccomp-cache");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_s.Root));
        var entries = Directory.GetFiles(cache);
        Assert.Single(entries);
        var stamp = File.GetLastWriteTimeUtc(entries[0]);

        // The second container takes the filter from the cache (the entry is not rewritten) and is denied alike.
        var second = _s.Run(b);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("unshare=1", Lines(second.Stdout));
        Assert.Contains("Seccomp:\t2", second.Stdout);
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(entries[0]));

        // A profile that allows unshare is a different key: compiled, cached apart, and unshare works.
        var allowAll = DockerProfile();
        allowAll["defaultAction"] = "SCMP_ACT_ALLOW";
        allowAll["syscalls"] = new JsonArray();
        allowAll.Remove("defaultErrnoRet");
        b.Linux["seccomp"] = allowAll;
        var third = _s.Run(b);
        Assert.True(third.ExitCode == 0, third.ToString());
        Assert.Contains("unshare=0", Lines(third.Stdout));
        Assert.Equal(2, Directory.GetFiles(cache).Length);
    }

    [SkippableFact]
    public void Clone3_gets_ENOSYS_so_a_libc_falls_back_to_clone()
    {
        string? cc = FindCc();
        Skip.If(cc is null, "no cc on this host: the clone3 probe cannot be built");
        var b = _s.NewBundle("/clone3-probe");
        try { BuildProbe(cc, Path.Join(b.Rootfs, "clone3-probe")); }
        catch (InvalidOperationException e)
        {
            throw new SkipException($"{cc} -static cannot build the clone3 probe here (no static libc?): {e.Message}");
        }
        var plain = _s.Run(b);
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal("clone3 errno 22", plain.Stdout.Trim()); // EINVAL: the kernel checked the (null, 0) arguments

        var b2 = _s.NewBundle("/clone3-probe");
        BuildProbe(cc, Path.Join(b2.Rootfs, "clone3-probe"));
        b2.Linux["seccomp"] = DockerProfile();
        var r = _s.Run(b2);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("clone3 errno 38", r.Stdout.Trim()); // ENOSYS from the filter
    }

    private static string? FindCc() =>
        new[] { "/usr/bin/cc", "/usr/bin/gcc", "/usr/local/bin/cc" }.FirstOrDefault(File.Exists);

    private static void BuildProbe(string cc, string target)
    {
        string src = Path.Join(Path.GetTempPath(), $"ocirun-clone3-{Environment.ProcessId}-{Guid.NewGuid():N}.c");
        File.WriteAllText(src, """
            #include <errno.h>
            #include <stdio.h>
            #include <unistd.h>
            #include <sys/syscall.h>
            int main(void) {
                long r = syscall(435 /* clone3 */, (void *)0, 0);
                if (r < 0) printf("clone3 errno %d\n", errno); else printf("clone3 returned %ld\n", r);
                return 0;
            }
            """);
        try { Exec.Capture(cc, "-static", "-O1", "-o", target, src); }
        finally { File.Delete(src); }
    }

    // ---- SCMP_ACT_NOTIFY -------------------------------------------------------------------------------

    [Fact]
    public void Every_profile_flag_is_honoured_and_wait_killable_recv_without_notify_is_dropped()
    {
        var b = _s.NewBundle().Shell("unshare -U true; echo unshare=$?; grep Seccomp: /proc/self/status");
        var p = DockerProfile();
        p["flags"] = new JsonArray("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
        b.Linux["seccomp"] = p;
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("unshare=1", r.Stdout);
        Assert.Contains("Seccomp:\t2", r.Stdout);
    }

    private static JsonObject NotifyProfile(string listener, bool tsync, string? flag = null) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["listenerPath"] = listener,
        ["listenerMetadata"] = "meta-42",
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
        ["flags"] = new JsonArray(new[] { tsync ? "SECCOMP_FILTER_FLAG_TSYNC" : null, flag }.Where(f => f is not null).Select(f => (JsonNode)f!).ToArray()),
        ["syscalls"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray("mkdir", "mkdirat"),
            ["action"] = "SCMP_ACT_NOTIFY",
        }),
    };

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")]
    public void Notify_listener_gets_the_fd_and_state_and_answers_the_containers_mkdir(bool tsync, string? flag)
    {
        using var listener = new NotifyListener(output);
        var b = _s.NewBundle().Shell(
            "mkdir /dev/shm/a; echo a=$?; mkdir /dev/shm/b; echo b=$?; if [ -d /dev/shm/b ]; then echo b-exists; else echo b-faked; fi");
        b.Linux["seccomp"] = NotifyProfile(listener.Path, tsync, flag);
        string id = _s.NewId();
        // First mkdir: EXDEV (an errno nothing else would give); second: success without doing it.
        listener.Answers.Enqueue((0, 18));
        listener.Answers.Enqueue((0, 0));
        var r = _s.Run(b, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["a=1", "b=0", "b-faked"], Lines(r.Stdout).ToArray());
        Assert.Contains("Invalid cross-device link", r.Stderr);

        var conn = Assert.Single(listener.Connections);
        var st = JsonNode.Parse(conn.Json)!.AsObject();
        Assert.Equal(OciSpec.OciVersions.Current, (string?)st["ociVersion"]);
        Assert.Equal(["seccompFd"], st["fds"]!.AsArray().Select(n => (string?)n).ToArray());
        Assert.Equal("meta-42", (string?)st["metadata"]);
        Assert.True((int)st["pid"]! > 0);
        var state = st["state"]!.AsObject();
        Assert.Equal(id, (string?)state["id"]);
        Assert.Equal("creating", (string?)state["status"]);
        Assert.Equal((int)st["pid"]!, (int)state["pid"]!);
        Assert.Equal(b.Dir, (string?)state["bundle"]);
        Assert.Equal(2, listener.Answered);
        Assert.Equal(2, listener.Syscalls.Count);
        Assert.All(listener.Syscalls, nr => Assert.Contains(nr, new[] { 83, 258 })); // mkdir, mkdirat
    }

    [Fact]
    public void Notify_works_for_exec_with_the_running_state()
    {
        using var listener = new NotifyListener(output);
        var b = _s.NewBundle("sleep", "100");
        b.Linux["seccomp"] = NotifyProfile(listener.Path, false);
        string id = _s.NewId();
        b.Save();
        var run = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(run.ExitCode == 0, run.ToString());
        int initPid = (int)_s.State(id)["pid"]!;
        listener.Answers.Enqueue((0, 13)); // EACCES
        var r = _s.Oci("exec", id, "sh", "-c", "mkdir /dev/shm/x; echo x=$?");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("x=1", r.Stdout.Trim());
        Assert.Contains("Permission denied", r.Stderr);
        Assert.Equal(2, listener.Connections.Count);
        var st = JsonNode.Parse(listener.Connections[1].Json)!.AsObject();
        Assert.Equal("running", (string?)st["state"]!["status"]);
        Assert.Equal(initPid, (int)st["state"]!["pid"]!);
        Assert.NotEqual(initPid, (int)st["pid"]!);
        Assert.Equal(1, listener.Answered);
        Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => _s.Oci("state", id).Stdout.Contains("\"stopped\""));
    }

    [Fact]
    public void Notify_without_a_listener_socket_fails_create_and_leaves_nothing()
    {
        var b = _s.NewBundle("true");
        b.Linux["seccomp"] = NotifyProfile(Path.Join(Path.GetTempPath(), $"ocirun-no-listener-{Guid.NewGuid():N}.sock"), false);
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.seccomp.listenerPath", r.Stderr);
        Assert.Contains("No such file or directory", r.Stderr);
    }

    [Theory]
    [InlineData("nopath", "linux.seccomp.listenerPath")]
    [InlineData("write", "linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used for")]
    [InlineData("default", "linux.seccomp.defaultAction")]
    public void Notify_misuse_is_refused_with_the_json_path(string kind, string message)
    {
        var b = _s.NewBundle("true");
        var p = NotifyProfile("/tmp/x.sock", false);
        if (kind == "nopath") { p.Remove("listenerPath"); p.Remove("listenerMetadata"); }
        if (kind == "write") p["syscalls"]![0]!["names"] = new JsonArray("write");
        if (kind == "default") p["defaultAction"] = "SCMP_ACT_NOTIFY";
        b.Linux["seccomp"] = p;
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(message, r.Stderr);
    }

    // ---- ocirun seccomp compile / explain ----------------------------------------------------------------

    [Fact]
    public void Compile_prints_the_program_as_text_and_as_raw_sock_filter_bytes()
    {
        var text = RuntimeBinary.Run(["seccomp", "compile", DockerProfilePath]);
        Assert.True(text.ExitCode == 0, text.ToString());
        var first = text.Stdout.Split('\n')[0];
        Assert.StartsWith("# ", first);
        int count = int.Parse(first[2..first.IndexOf(' ', 2)]);
        Assert.Contains("ld  $data[4]", text.Stdout);
        Assert.Equal(count, text.Stdout.Split('\n').Count(l => l.StartsWith(" 0") || l.StartsWith(" 1")));
        output.WriteLine(first);

        string bin = Path.Join(Path.GetTempPath(), $"ocirun-bpf-{Guid.NewGuid():N}");
        try
        {
            var raw = RuntimeBinary.Run(["seccomp", "compile", "--format", "bpf", DockerProfilePath]);
            Assert.True(raw.ExitCode == 0, raw.ToString());
            // stdout went through a text file: read the bytes with a shell redirect instead.
            var psi = new ProcessStartInfo("/bin/sh", ["-c", $"'{RuntimeBinary.Path}' seccomp compile --format bpf '{DockerProfilePath}' > '{bin}'"]);
            using (var p = Process.Start(psi)!) p.WaitForExit();
            byte[] bytes = File.ReadAllBytes(bin);
            Assert.Equal(count * 8, bytes.Length);
            // ld [arch]: BPF_LD|BPF_W|BPF_ABS (0x20), jt 0, jf 0, k 4.
            Assert.Equal(new byte[] { 0x20, 0, 0, 0, 4, 0, 0, 0 }, bytes[..8]);
        }
        finally { File.Delete(bin); }
    }

    [Fact]
    public void Compile_takes_a_whole_config_and_names_json_paths_in_errors()
    {
        var b = _s.NewBundle("true");
        b.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ERRNO",
            ["syscalls"] = new JsonArray(new JsonObject { ["names"] = new JsonArray("read"), ["action"] = "SCMP_ACT_ALLOW",
                ["args"] = new JsonArray(new JsonObject { ["index"] = 7, ["value"] = 1, ["op"] = "SCMP_CMP_EQ" }) }),
        };
        b.Save();
        string config = Path.Join(b.Dir, "config.json");
        var r = RuntimeBinary.Run(["seccomp", "compile", config]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("linux.seccomp.syscalls[0].args[0].index: 7 is out of range 0..5", r.Stderr);

        string bare = Path.Join(b.Dir, "profile.json");
        File.WriteAllText(bare, """{"defaultAction":"SCMP_ACT_BOGUS"}""");
        r = RuntimeBinary.Run(["seccomp", "compile", bare]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("defaultAction: unknown action \"SCMP_ACT_BOGUS\"", r.Stderr);
        Assert.DoesNotContain("linux.seccomp", r.Stderr);

        File.WriteAllText(bare, """{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]}""");
        r = RuntimeBinary.Run(["seccomp", "compile", bare]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("syscalls[0].names", r.Stderr);

        File.WriteAllText(config, """{"ociVersion":"1.2.0","linux":{}}""");
        r = RuntimeBinary.Run(["seccomp", "compile", config]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("linux.seccomp: missing", r.Stderr);
    }

    [Fact]
    public void Explain_names_the_deciding_rule_and_the_filters_answer()
    {
        var r = RuntimeBinary.Run(["seccomp", "explain", DockerProfilePath, "clone3"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("decision: ERRNO(38)", r.Stdout);
        Assert.Contains("compiled filter: ERRNO(38)", r.Stdout);

        r = RuntimeBinary.Run(["seccomp", "explain", DockerProfilePath, "unshare"]);
        Assert.Contains("no rule names it: default action", r.Stdout);
        Assert.Contains("decision: ERRNO(1)", r.Stdout);

        r = RuntimeBinary.Run(["seccomp", "explain", DockerProfilePath, "personality", "0xffffffff"]);
        Assert.Contains("holds: ALLOW", r.Stdout);
        r = RuntimeBinary.Run(["seccomp", "explain", DockerProfilePath, "personality", "7"]);
        Assert.Contains("no conditional rule holds: default action", r.Stdout);
        Assert.Contains("compiled filter: ERRNO(1)", r.Stdout);

        r = RuntimeBinary.Run(["seccomp", "explain", "--arch", "x86", DockerProfilePath, "socketcall"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("x86 socketcall", r.Stdout);
        Assert.Contains("compiled filter: ALLOW", r.Stdout);

        r = RuntimeBinary.Run(["seccomp", "explain", DockerProfilePath, "no_such_call"]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("syscall: \"no_such_call\"", r.Stderr);
    }

    // ---- figures -----------------------------------------------------------------------------------------

    [Fact]
    public void Start_path_seccomp_phase_is_reported_by_debug_run()
    {
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var b = _s.NewBundle("true");
            b.Linux["seccomp"] = DockerProfile();
            b.Save();
            var r = _s.Oci("--debug", "run", "--bundle", b.Dir, _s.NewId());
            Assert.True(r.ExitCode == 0, r.ToString());
            var line = r.Stderr.Split('\n').FirstOrDefault(l => l.Contains("timing (ms)") && l.Contains(" seccomp="));
            Assert.True(line is not null, r.Stderr);
            var part = line!.Split(' ').First(p => p.StartsWith("seccomp=", StringComparison.Ordinal));
            best = Math.Min(best, double.Parse(part["seccomp=".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }
        output.WriteLine($"seccomp phase of `ocirun --debug run` (Docker default profile, NativeAOT, best of 3): {best:0.000} ms");
        SeccompFigures.Append($"ocirun --debug run: parent's seccomp phase (compile Docker's profile; the load is in init.security), best of 3: {best:0.000} ms");
    }

    /// <summary>A unix socket listener that takes the notify fd and answers notifications from a queue.</summary>
    private sealed class NotifyListener : IDisposable
    {
        private const uint NotifRecv = 0xc0502100, NotifSend = 0xc0182101; // _IOWR('!', 0|1, seccomp_notif|_resp)
        private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private readonly ITestOutputHelper _output;
        public string Path { get; } = System.IO.Path.Join(System.IO.Path.GetTempPath(), $"ocirun-listener-{Guid.NewGuid():N}.sock");
        public List<(string Json, int Fd)> Connections { get; } = [];
        public System.Collections.Concurrent.ConcurrentQueue<(long Val, int Errno)> Answers { get; } = new();
        public System.Collections.Concurrent.ConcurrentBag<int> Syscalls { get; } = [];
        public int Answered;

        public NotifyListener(ITestOutputHelper output)
        {
            _output = output;
            _socket.Bind(new UnixDomainSocketEndPoint(Path));
            _socket.Listen(4);
            _loop = Task.Run(Loop);
        }

        private async Task Loop()
        {
            var handlers = new List<Task>();
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var conn = await _socket.AcceptAsync(_stop.Token);
                    var fds = new List<int>();
                    var buf = new byte[64 * 1024];
                    int n = Sys.RecvWithFds((int)conn.Handle, buf, fds);
                    conn.Dispose();
                    string json = Encoding.UTF8.GetString(buf, 0, n);
                    lock (Connections) Connections.Add((json, fds.Count == 1 ? fds[0] : -1));
                    _output.WriteLine($"listener: {json} fds [{string.Join(",", fds)}]");
                    if (fds.Count == 1) { int fd = fds[0]; handlers.Add(Task.Run(() => Serve(fd))); }
                }
            }
            catch (OperationCanceledException) { }
            await Task.WhenAll(handlers);
        }

        private unsafe void Serve(int fd)
        {
            byte* notif = stackalloc byte[80];
            byte* resp = stackalloc byte[24];
            short* pfd = stackalloc short[4];
            while (!_stop.IsCancellationRequested)
            {
                *(int*)pfd = fd; pfd[2] = 1 /* POLLIN */; pfd[3] = 0;
                long pr = Sys.Blocking(7 /* poll */, (long)pfd, 1, 100);
                if (pr <= 0) continue;
                if ((pfd[3] & 1) == 0) break; // POLLHUP: every filtered task is gone
                new Span<byte>(notif, 80).Clear();
                if (Sys.Blocking(Nr.ioctl, fd, (long)NotifRecv, (long)notif) < 0) continue; // ENOENT: the task died
                ulong id = *(ulong*)notif;
                int nr = *(int*)(notif + 16); // seccomp_notif { u64 id; u32 pid; u32 flags; seccomp_data { int nr; ... } }
                Syscalls.Add(nr);
                var (val, errno) = Answers.TryDequeue(out var a) ? a : (0L, 1);
                new Span<byte>(resp, 24).Clear();
                *(ulong*)resp = id; *(long*)(resp + 8) = val; *(int*)(resp + 16) = -errno;
                long r = Sys.Blocking(Nr.ioctl, fd, (long)NotifSend, (long)resp);
                _output.WriteLine($"listener: nr {nr} answered val {val} errno {errno}: {r}");
                if (r == 0) Interlocked.Increment(ref Answered);
            }
            Sys.Close(fd);
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _loop.Wait(5000); } catch (AggregateException) { }
            _socket.Dispose();
            File.Delete(Path);
        }
    }
}

/// <summary>Figures a test run reports, also collected in a file next to the test assembly.</summary>
internal static class SeccompFigures
{
    internal static void Append(string line)
    {
        string file = Path.Join(AppContext.BaseDirectory, "seccomp-figures.txt");
        lock (typeof(SeccompFigures)) File.AppendAllText(file, $"{DateTime.UtcNow:O} {line}\n");
    }
}

/// <summary>The loader's decisions, without a container.</summary>
public sealed class SeccompLoaderTests
{
    [Fact]
    public void Tsync_with_a_listener_gets_tsync_esrch_and_wait_killable_needs_a_listener()
    {
        const uint Tsync = 1, NewListener = 8, TsyncEsrch = 16, WaitKillable = 32, Log = 2;
        Assert.Equal(Tsync | NewListener | TsyncEsrch, Security.SeccompSetup.LoadFlags(Tsync | NewListener));
        Assert.Equal(NewListener | WaitKillable, Security.SeccompSetup.LoadFlags(NewListener | WaitKillable));
        Assert.Equal(Tsync | Log, Security.SeccompSetup.LoadFlags(Tsync | Log | WaitKillable));
        Assert.Equal(Tsync, Security.SeccompSetup.LoadFlags(Tsync));
    }

    [Fact]
    public void Container_process_state_for_create_and_for_exec()
    {
        var spec = new OciSpec.Spec
        {
            Annotations = new() { ["a"] = "b" },
            Linux = new OciSpec.Linux
            {
                Seccomp = new OciSpec.LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", ListenerPath = "/l", ListenerMetadata = "m" },
                Namespaces = [new OciSpec.LinuxNamespace { Type = "pid", Path = "/proc/4242/ns/pid" }],
            },
        };
        var create = Security.SeccompListener.StateOf(spec, "c1", "/b", 77, exec: false);
        Assert.Equal(["seccompFd"], create.Fds);
        Assert.Equal((77, "m", "creating", 77, "c1", "/b"), (create.Pid, create.Metadata, create.State.Status, create.State.Pid, create.State.Id, create.State.Bundle));
        Assert.Equal("b", create.State.Annotations!["a"]);
        var exec = Security.SeccompListener.StateOf(spec, "c1", "/b", 78, exec: true);
        Assert.Equal((78, "running", 4242), (exec.Pid, exec.State.Status, exec.State.Pid));
        var json = System.Text.Encoding.UTF8.GetString(OciSpec.OciJson.Serialize(exec));
        Assert.Contains("\"fds\":[\"seccompFd\"]", json);
        Assert.Contains("\"metadata\":\"m\"", json);
    }
}
