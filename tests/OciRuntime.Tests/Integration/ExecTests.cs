using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using static OciRuntime.Tests.Integration.HostShell;

namespace OciRuntime.Tests.Integration;

/// <summary>`exec` into real containers: output, exit codes, overrides, and where the new process lives.</summary>
public sealed class ExecTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private string Running(Action<Bundle>? edit = null)
    {
        var b = _s.NewBundle("sleep", "1000");
        edit?.Invoke(b);
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return id;
    }

    [Fact]
    public void Exec_prints_and_returns_the_exit_code()
    {
        string id = Running();
        var r = _s.Oci("exec", id, "sh", "-c", "echo out; echo err >&2; exit 5");
        Assert.Equal(5, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Contains("err", r.Stderr);
        Assert.Equal(0, _s.Oci("exec", id, "true").ExitCode);
        // runc's rule: flags after the id belong to the command.
        var ls = _s.Oci("exec", id, "ls", "-d", "/tmp");
        Assert.Equal("/tmp\n", ls.Stdout);
    }

    [Fact]
    public void Exec_of_a_missing_binary_fails_with_its_name()
    {
        string id = Running();
        var r = _s.Oci("exec", id, "no-such-binary");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-binary", r.Stderr);
    }

    [Fact]
    public void Process_json_is_used_as_given()
    {
        string id = Running();
        string file = Path.Join(Path.GetTempPath(), $"ocirun-test-process-{Guid.NewGuid():N}.json");
        var process = new JsonObject
        {
            ["terminal"] = false,
            ["args"] = new JsonArray("sh", "-c", "echo $X; pwd; id -u; id -g; exit 3"),
            ["env"] = new JsonArray("PATH=/bin", "X=from-json"),
            ["cwd"] = "/tmp",
            ["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 },
        };
        File.WriteAllText(file, process.ToJsonString());
        try
        {
            var r = _s.Oci("exec", "--process", file, id);
            Assert.True(r.ExitCode == 3, r.ToString());
            Assert.Equal(["from-json", "/tmp", "1000", "1000"], Lines(r.Stdout).ToArray());
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void User_env_and_cwd_flags_override_the_containers_process()
    {
        string id = Running();
        var r = _s.Oci("exec", "--user", "1000:1000", "--additional-gids", "5", "--env", "FOO=bar", "-e", "BAZ=qux", "--cwd", "/tmp",
            id, "sh", "-c", "id -u; id -g; id -G; echo $FOO $BAZ; pwd; echo $PATH");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).ToArray();
        Assert.Equal(["1000", "1000", "1000 5", "bar qux", "/tmp"], lines[..5]);
        Assert.Contains("/bin", lines[5]); // the container's env is kept
    }

    [Fact]
    public void Detached_exec_writes_the_pid_file_and_returns_at_once()
    {
        string id = Running();
        string pidFile = Path.Join(Path.GetTempPath(), $"ocirun-test-pid-{Guid.NewGuid():N}");
        try
        {
            var r = _s.Oci("exec", "-d", "--pid-file", pidFile, id, "sleep", "1001");
            Assert.True(r.ExitCode == 0, r.ToString());
            int pid = int.Parse(File.ReadAllText(pidFile));
            Assert.Contains("sleep", File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '));
            int init = (int)_s.State(id)["pid"]!;
            Assert.Equal(new FileInfo($"/proc/{init}/ns/pid").LinkTarget, new FileInfo($"/proc/{pid}/ns/pid").LinkTarget);
        }
        finally { File.Delete(pidFile); }
    }

    [Fact]
    public void Exec_joins_every_namespace_and_the_cgroup_of_the_container()
    {
        string id = Running();
        int init = (int)_s.State(id)["pid"]!;
        string[] kinds = ["mnt", "pid", "net", "ipc", "uts", "cgroup"];
        var r = _s.Oci("exec", id, "sh", "-c",
            "for n in " + string.Join(' ', kinds) + "; do readlink /proc/self/ns/$n; done; echo ---; cat /proc/self/cgroup; echo ---; cat /proc/1/cgroup");
        Assert.True(r.ExitCode == 0, r.ToString());
        var parts = r.Stdout.Split("---\n");
        Assert.Equal(kinds.Select(k => new FileInfo($"/proc/{init}/ns/{k}").LinkTarget!).ToArray(), Lines(parts[0]).ToArray());
        Assert.Equal(parts[2].Trim(), parts[1].Trim());
        // And from the host: the same cgroup as the container's init.
        string pidFile = Path.Join(Path.GetTempPath(), $"ocirun-test-pid-{Guid.NewGuid():N}");
        var pidR = _s.Oci("exec", "-d", "--pid-file", pidFile, id, "sleep", "1002");
        Assert.True(pidR.ExitCode == 0, pidR.ToString());
        int pid = int.Parse(File.ReadAllText(pidFile));
        File.Delete(pidFile);
        Assert.Equal(File.ReadAllText($"/proc/{init}/cgroup"), File.ReadAllText($"/proc/{pid}/cgroup"));
    }

    [Fact]
    public void Exec_gets_the_containers_capabilities_and_no_new_privs()
    {
        string id = Running();
        var r = _s.Oci("exec", id, "sh", "-c", "grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Lines(r.Stdout).ToDictionary(l => l.Split(':')[0], l => l.Split(':')[1].Trim());
        Assert.Equal("0000000020000420", lines["CapEff"]);
        Assert.Equal("0000000020000420", lines["CapBnd"]);
        Assert.Equal("1", lines["NoNewPrivs"]);
    }

    [Fact]
    public void Exec_into_a_paused_container_is_refused_unless_ignore_paused()
    {
        string id = Running();
        Assert.Equal(0, _s.Oci("pause", id).ExitCode);
        var r = _s.Oci("exec", id, "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("paused", r.Stderr);
        // Accepted with --ignore-paused: the process joins the frozen cgroup and runs once it thaws.
        var pending = Task.Run(() => _s.Oci("exec", "--ignore-paused", id, "echo", "thawed"));
        Thread.Sleep(500);
        Assert.Equal(0, _s.Oci("resume", id).ExitCode);
        var done = pending.Result;
        Assert.True(done.ExitCode == 0, done.ToString());
        Assert.Equal("thawed\n", done.Stdout);
    }

    [Fact]
    public void Exec_into_a_stopped_container_is_refused()
    {
        var b = _s.NewBundle("true");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        var r = _s.Oci("exec", id, "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("stopped", r.Stderr);
    }

    [Fact]
    public void Exec_into_a_missing_container_is_refused()
    {
        var r = _s.Oci("exec", "ocirun-test-nosuch", "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("ocirun-test-nosuch", r.Stderr);
    }

    [Fact]
    public void Foreground_exec_forwards_signals_and_returns_128_plus_n()
    {
        string id = Running();
        string pidFile = Path.Join(Path.GetTempPath(), $"ocirun-test-pid-{Guid.NewGuid():N}");
        var r = Run(_s, $"$OCI exec --pid-file {pidFile} {id} sleep 1003 & oci=$!\n" +
                        $"while [ ! -s {pidFile} ]; do sleep 0.05; done; sleep 0.2; kill -TERM $oci; wait $oci; echo code=$?; rm -f {pidFile}");
        Assert.Contains("code=143", r.Stdout);
    }
}
