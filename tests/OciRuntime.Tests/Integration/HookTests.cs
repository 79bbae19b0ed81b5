using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using static OciRuntime.Tests.Integration.HostShell;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// All six hook kinds on real containers. Each hook appends its name to a log and saves its stdin (the state) in
/// the rootfs's /tmp: host hooks write the host path, startContainer (after pivot_root, in the container) writes
/// /tmp, so every hook lands in the same files.
/// </summary>
public sealed class HookTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static JsonObject Hook(string script, int? timeout = null)
    {
        var h = new JsonObject { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", script) };
        if (timeout is int t) h["timeout"] = t;
        return h;
    }

    /// <summary>A hook that records itself in <paramref name="dir"/> (the rootfs's /tmp as the hook sees it).</summary>
    private static JsonObject Recorder(string kind, string dir) =>
        Hook($"cat > {dir}/{kind}.json; readlink /proc/self/ns/mnt > {dir}/{kind}.mnt; readlink /proc/self/ns/uts > {dir}/{kind}.uts; echo {kind} >> {dir}/hooks.log");

    private static void Set(Bundle b, string kind, params JsonObject[] hooks)
    {
        b.Config["root"]!["readonly"] = false;
        var all = b.Config["hooks"] as JsonObject ?? new JsonObject();
        all[kind] = new JsonArray(hooks.Cast<JsonNode>().ToArray());
        b.Config["hooks"] = all;
    }

    [Fact]
    public void All_six_kinds_run_in_order_with_the_state_of_their_moment()
    {
        var b = _s.NewBundle("sleep", "1000");
        string tmp = Path.Join(b.Rootfs, "tmp");
        foreach (var kind in new[] { "prestart", "createRuntime", "createContainer", "poststart", "poststop" })
            Set(b, kind, Recorder(kind, tmp));
        Set(b, "startContainer", Recorder("startContainer", "/tmp"));
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        Assert.Equal(["prestart", "createRuntime", "createContainer"], Lines(File.ReadAllText(Path.Join(tmp, "hooks.log"))).ToArray());
        var st = _s.Oci("start", id);
        Assert.True(st.ExitCode == 0, st.ToString());
        // poststart has run when start returns, after startContainer (the spec's order; not runc's race).
        Assert.Equal(["prestart", "createRuntime", "createContainer", "startContainer", "poststart"],
            Lines(File.ReadAllText(Path.Join(tmp, "hooks.log"))).ToArray());
        Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        // poststop reads the rootfs, which delete leaves in place.
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
        Assert.Equal(["prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"],
            Lines(File.ReadAllText(Path.Join(tmp, "hooks.log"))).ToArray());

        var expected = new Dictionary<string, string>
        {
            // state.md: "created" is "after step 2 in the lifecycle", and these three run after step 2.
            ["prestart"] = "created", ["createRuntime"] = "created", ["createContainer"] = "created",
            ["startContainer"] = "created", ["poststart"] = "running", ["poststop"] = "stopped",
        };
        int pid = 0;
        foreach (var (kind, status) in expected)
        {
            var state = JsonNode.Parse(File.ReadAllText(Path.Join(tmp, kind + ".json")))!.AsObject();
            Assert.True(status == (string?)state["status"], $"{kind}: {state}");
            Assert.Equal(id, (string?)state["id"]);
            Assert.Equal(b.Dir, (string?)state["bundle"]);
            if (kind != "poststop")
            {
                int p = (int)state["pid"]!;
                Assert.True(p > 0, $"{kind}: {state}");
                if (pid == 0) pid = p;
                Assert.True(pid == p, $"{kind}: pid {p}, expected {pid}");
            }
        }
        // Namespaces: the runtime's for prestart, createRuntime, poststart and poststop; the container's for
        // createContainer and startContainer.
        string hostMnt = new FileInfo("/proc/self/ns/mnt").LinkTarget!, hostUts = new FileInfo("/proc/self/ns/uts").LinkTarget!;
        string Read(string kind, string ns) => File.ReadAllText(Path.Join(tmp, $"{kind}.{ns}")).Trim();
        foreach (var kind in new[] { "prestart", "createRuntime", "poststart", "poststop" })
        {
            Assert.Equal(hostMnt, Read(kind, "mnt"));
            Assert.Equal(hostUts, Read(kind, "uts"));
        }
        foreach (var kind in new[] { "createContainer", "startContainer" })
        {
            Assert.NotEqual(hostMnt, Read(kind, "mnt"));
            Assert.NotEqual(hostUts, Read(kind, "uts"));
        }
        Assert.Equal(Read("createContainer", "mnt"), Read("startContainer", "mnt"));
        Assert.Equal(Read("createContainer", "uts"), Read("startContainer", "uts"));
    }

    [Fact]
    public void With_init_poststart_still_runs_after_the_user_process_execd_and_hooks_start_unblocked()
    {
        var b = _s.NewBundle("sleep", "1000");
        string tmp = Path.Join(b.Rootfs, "tmp");
        // The state's pid is the reaper; its only child must already be the user's program, not an ocirun copy.
        Set(b, "poststart", Hook($"P=$(sed 's/.*\"pid\":\\([0-9]*\\).*/\\1/'); read C _ < /proc/$P/task/$P/children; readlink /proc/$C/exe > {tmp}/exe 2>{tmp}/exe.err; echo P=$P C=$C >> {tmp}/exe.err"));
        Set(b, "startContainer", Hook("cat >/dev/null; grep SigBlk /proc/self/status > /tmp/mask"));
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--init", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.ReadAllText(Path.Join(tmp, "exe")).Trim().EndsWith("/bin/busybox"), File.ReadAllText(Path.Join(tmp, "exe.err")));
        Assert.Equal("SigBlk:\t0000000000000000", File.ReadAllText(Path.Join(tmp, "mask")).Trim());
    }

    [Fact]
    public void Hooks_of_one_kind_run_in_listed_order_with_their_env()
    {
        var b = _s.NewBundle("true");
        string log = Path.Join(b.Rootfs, "tmp", "order.log");
        var withEnv = Hook($"cat >/dev/null; echo \"second $HOOK_VAR\" >> {log}");
        withEnv["env"] = new JsonArray("HOOK_VAR=from-env");
        Set(b, "createRuntime", Hook($"cat >/dev/null; echo first >> {log}"), withEnv, Hook($"echo third $0 $1 >> {log}"));
        ((JsonArray)b.Config["hooks"]!["createRuntime"]!)[2]!["args"] = new JsonArray("sh", "-c", $"echo third $0 $1 >> {log}", "arg-zero", "arg-one");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["first", "second from-env", "third arg-zero arg-one"], Lines(File.ReadAllText(log)).ToArray());
    }

    [Theory]
    [InlineData("prestart")]
    [InlineData("createRuntime")]
    [InlineData("createContainer")]
    [InlineData("startContainer")]
    public void A_failing_create_time_hook_fails_and_leaves_nothing(string kind)
    {
        var b = _s.NewBundle("sleep", "1000");
        Set(b, kind, Hook("echo hook-said-no >&2; exit 3"));
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"hooks.{kind}[0]", r.Stderr);
        Assert.Contains("hook-said-no", r.Stderr);
        // Nothing is left: the Sandbox's residue check (state, cgroup, processes, mounts) runs at Dispose.
        Assert.Empty(Directory.Exists(_s.Root) ? Directory.GetFileSystemEntries(_s.Root) : []);
    }

    [Fact]
    public void A_failing_poststart_hook_is_an_error_that_stops_the_container_and_delete_continues()
    {
        // runtime-spec 1.3, lifecycle step 9 (1.2 asked only for a warning and a running container).
        var b = _s.NewBundle("sleep", "1000");
        string log = Path.Join(b.Rootfs, "tmp", "poststop.log");
        Set(b, "poststart", Hook("cat >/dev/null; echo poststart-broke >&2; exit 1"), Hook($"cat >/dev/null; echo second-ran >> {log}"));
        Set(b, "poststop", Hook($"cat >/dev/null; echo poststop-ran >> {log}"));
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        var r = _s.Oci("start", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("hooks.poststart[0]", r.Stderr);
        Assert.Contains("poststart-broke", r.Stderr);
        Assert.Equal("stopped", (string)_s.State(id)["status"]!);
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
        Assert.Equal(["poststop-ran"], Lines(File.ReadAllText(log)).ToArray());
    }

    [Fact]
    public void Poststop_hooks_all_run_even_when_one_fails()
    {
        var b = _s.NewBundle("true");
        string log = Path.Join(b.Rootfs, "tmp", "poststop.log");
        Set(b, "poststop", Hook($"cat >/dev/null; echo one >> {log}; exit 1"), Hook($"cat >/dev/null; echo two >> {log}; exit 2"),
            Hook($"cat >/dev/null; echo three >> {log}"));
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["one", "two", "three"], Lines(File.ReadAllText(log)).ToArray());
        Assert.Contains("poststop[0]", r.Stderr);
        Assert.Contains("poststop[1]", r.Stderr);
    }

    [Fact]
    public void A_hook_that_exceeds_its_timeout_is_killed_and_fails_create()
    {
        var b = _s.NewBundle("sleep", "1000");
        Set(b, "createRuntime", Hook("exec sleep 30", timeout: 1));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("timed out", r.Stderr);
        Assert.InRange(sw.Elapsed.TotalSeconds, 0.9, 15);
    }
}
