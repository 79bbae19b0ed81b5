using System.Text.Json;
using Engines.Tests.Support;

namespace Engines.Tests.Docker;

/// <summary>
/// docker 20.10 (Debian's dockerd, its own containerd and containerd-shim-runc-v2) driving ocirun as
/// `--runtime ocirun`: what a docker user sees, output and exit codes, through the whole container lifecycle.
/// </summary>
public sealed class DockerTests(DockerFixture docker) : IClassFixture<DockerFixture>
{
    private const string Unlimited = "9223372036854771712"; // v1 memory.limit_in_bytes with no limit (page-aligned max)

    [Fact]
    public void Run_prints_the_output_of_echo()
    {
        var r = docker.Run(["--rm"], "echo", "hi");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hi\n", r.Stdout);
    }

    [Fact]
    public void Run_passes_the_exit_code_through()
    {
        var r = docker.Run(["--rm"], "sh", "-c", "echo before-exit; exit 3");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("before-exit\n", r.Stdout);
    }

    [Fact]
    public void Run_with_a_terminal_gets_a_pty()
    {
        // -t: the shim hands ocirun a --console-socket and reads the pty master from it.
        var r = docker.Run(["--rm", "-t"], "sh", "-c", "tty; echo on-tty");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("/dev/pts/0\r\non-tty\r\n", r.Stdout);
    }

    [Fact]
    public void Run_of_a_command_not_in_PATH_exits_127_and_names_it()
    {
        var r = docker.Run(["--rm"], "no-such-command");
        Assert.Equal(127, r.ExitCode);
        Assert.Contains("exec: \"no-such-command\": executable file not found in $PATH", r.Stderr);
    }

    // docker's client picks 127 or 126 from the error text, case-sensitively, as runc words it (Go's errno text).
    [Theory]
    [InlineData("/no/such/file", 127, "no such file or directory")]
    [InlineData("/etc/passwd", 126, "permission denied")]
    [InlineData("/root", 126, "permission denied")]
    public void Run_of_a_path_that_cannot_run_exits_as_with_runc(string path, int exitCode, string why)
    {
        var r = docker.Run(["--rm"], path);
        Assert.True(r.ExitCode == exitCode, r.ToString());
        Assert.Contains($"exec: \"{path}\": {why}", r.Stderr);
    }

    [Fact]
    public void Run_rm_of_a_process_whose_exec_fails_after_start_leaves_nothing()
    {
        // A script without #! is ENOEXEC at execve, which happens after the exec FIFO: ocirun's `start` fails (runc's
        // succeeds and the container prints "exec /vol/script: exec format error" and exits 1). dockerd then
        // deletes the failed task at once: the shim must already know init has exited, or it refuses and the
        // shim, ocirun's state and the cgroup stay behind (about one run in three before ocirun waited for that).
        string vol = Path.Join(docker.Daemon.Dir, "noexec");
        Directory.CreateDirectory(vol);
        File.WriteAllText(Path.Join(vol, "script"), "echo no shebang\n");
        Cmd.Ok("chmod", ["0755", Path.Join(vol, "script")]);
        for (int i = 0; i < 4; i++)
        {
            var r = docker.Run(["--rm", "-v", vol + ":/vol"], "/vol/script");
            Assert.True(r.ExitCode == 125, r.ToString());
            Assert.Contains("OCI runtime start failed: start: process.args[0]: exec /vol/script: exec format error", r.Stderr);
        }
        Assert.Equal("", docker.Ok("ps", "-aq").Stdout);
        Assert.Empty(docker.Daemon.RuntimeContainers());
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(DockerDaemon.CgroupOf("x"))!));
    }

    [Fact]
    public void Exec_in_a_detached_container_prints_and_passes_the_exit_code()
    {
        string name = "ocirun-test-exec";
        docker.Detached(name, "sleep", "1000");
        try
        {
            var r = docker.Docker("exec", name, "sh", "-c", "echo from-exec; cat /proc/1/cmdline | tr '\\0' ' '; exit 5");
            Assert.Equal(5, r.ExitCode);
            Assert.Equal("from-exec\nsleep 1000 ", r.Stdout);

            var t = docker.Docker("exec", "-t", name, "tty");
            Assert.True(t.ExitCode == 0, t.ToString());
            Assert.StartsWith("/dev/pts/", t.Stdout);

            var missing = docker.Docker("exec", name, "/no/such/file");
            // dockerd writes a failed exec's error into the exec's own output stream, so it arrives on stdout.
            Assert.True(missing.ExitCode == 126, missing.ToString());
            Assert.Contains("OCI runtime exec failed", missing.Stdout);
            Assert.Contains("exec: \"/no/such/file\": no such file or directory", missing.Stdout);
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void The_container_is_ocirun_s()
    {
        string name = "ocirun-test-state";
        string id = docker.Detached(name, "sleep", "1000");
        try
        {
            // The shim keeps the runtime's state under dockerd's exec root; ocirun's own state command reads it.
            var r = Cmd.Run(Paths.Runtime, ["--root", docker.Daemon.RuntimeRoot, "state", id]);
            Assert.True(r.ExitCode == 0, r.ToString());
            using var state = JsonDocument.Parse(r.Stdout);
            Assert.Equal("running", state.RootElement.GetProperty("status").GetString());
            Assert.Equal(docker.Inspect(name, "{{.State.Pid}}"), state.RootElement.GetProperty("pid").GetInt32().ToString());
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void Update_memory_is_seen_inside_the_container()
    {
        string name = "ocirun-test-update";
        docker.Detached(name, "sleep", "1000");
        try
        {
            // The container sees its own cgroup at /sys/fs/cgroup: v1 files on a v1 or hybrid host, v2 on a unified one.
            string[] files = DockerDaemon.Unified
                ? ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.swap.max"]
                : ["/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"];
            Assert.Equal((DockerDaemon.Unified ? "max" : Unlimited) + "\n", docker.Ok("exec", name, "cat", files[0]).Stdout);
            // docker refuses a memory limit above the (unlimited) swap limit without --memory-swap, runc or not.
            var u = docker.Docker("update", "--memory", "64m", "--memory-swap", "128m", name);
            Assert.True(u.ExitCode == 0, u.ToString() + docker.Daemon.Tail());
            // v1's memsw is memory plus swap; v2's swap.max is the swap alone.
            Assert.Equal(DockerDaemon.Unified ? "67108864\n67108864\n" : "67108864\n134217728\n", docker.Ok(["exec", name, "cat", .. files]).Stdout);
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    private const string TrapTerm = "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.1; done";

    private void WaitReady(string name) =>
        Assert.True(Cmd.WaitFor(() => docker.Docker("logs", name).Stdout.Contains("ready")), $"{name} never printed ready");

    [Fact]
    public void Stop_delivers_SIGTERM_and_reports_the_exit_code()
    {
        string name = "ocirun-test-stop";
        string id = docker.Detached(name, "sh", "-c", TrapTerm);
        try
        {
            WaitReady(name);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            docker.Ok("stop", "-t", "20", name);
            // Well under the timeout: the process got SIGTERM, not the SIGKILL after it.
            Assert.True(sw.ElapsedMilliseconds < 10_000, $"stop took {sw.ElapsedMilliseconds} ms");
            Assert.Equal("exited 7", docker.Inspect(name, "{{.State.Status}} {{.State.ExitCode}}"));
            Assert.Contains("got-term", docker.Docker("logs", name).Stdout);
            // The shim deleted the container from ocirun once it exited.
            Assert.False(Directory.Exists(Path.Join(docker.Daemon.RuntimeRoot, id)), "ocirun state left after stop");
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void Restart_brings_the_container_back_with_a_new_process()
    {
        string name = "ocirun-test-restart";
        docker.Detached(name, "sh", "-c", TrapTerm);
        try
        {
            WaitReady(name);
            string before = docker.Inspect(name, "{{.State.Pid}}");
            docker.Ok("restart", "-t", "20", name);
            Assert.Equal("running", docker.Inspect(name, "{{.State.Status}}"));
            string after = docker.Inspect(name, "{{.State.Pid}}");
            Assert.NotEqual(before, after);
            Assert.NotEqual("0", after);
            Assert.Equal("back\n", docker.Ok("exec", name, "echo", "back").Stdout);
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void Top_lists_the_container_s_processes()
    {
        // docker top asks the runtime for the pids (`ps --format json`) and filters the host's ps by them.
        string name = "ocirun-test-top";
        docker.Detached(name, "sh", "-c", "sleep 1000 & wait");
        try
        {
            string pid = docker.Inspect(name, "{{.State.Pid}}");
            Assert.True(Cmd.WaitFor(() => docker.Docker("top", name).Stdout.Contains("sleep 1000")));
            var lines = docker.Ok("top", name, "-o", "pid,args").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("PID", lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
            var rows = lines.Skip(1).Select(l => l.Trim().Split(' ', 2)).ToList();
            Assert.Equal(2, rows.Count);
            Assert.Contains(rows, r => r[0] == pid && r[1].Trim() == "sh -c sleep 1000 & wait");
            Assert.Contains(rows, r => r[1].Trim() == "sleep 1000");
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void Pause_freezes_and_unpause_thaws()
    {
        string name = "ocirun-test-pause";
        docker.Detached(name, "sleep", "1000");
        try
        {
            docker.Ok("pause", name);
            Assert.Equal("paused", docker.Inspect(name, "{{.State.Status}}"));
            var e = docker.Docker("exec", name, "true");
            Assert.NotEqual(0, e.ExitCode);
            Assert.Contains("is paused", e.Stderr);
            docker.Ok("unpause", name);
            Assert.Equal("thawed\n", docker.Ok("exec", name, "echo", "thawed").Stdout);
        }
        finally { docker.Docker("rm", "-f", name); }
    }

    [Fact]
    public void Network_host_shows_the_host_s_interfaces_and_hostname()
    {
        const string probe = "hostname; sed -n 's/^ *\\([^:]*\\):.*/\\1/p' /proc/net/dev | sort";
        string[] hostIfaces = File.ReadAllLines("/proc/net/dev").Skip(2).Select(l => l.Split(':')[0].Trim()).Order(StringComparer.Ordinal).ToArray();
        string hostName = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        Assert.Contains(hostIfaces, i => i != "lo"); // else the comparison below would prove nothing

        var host = docker.Run(["--rm", "--network", "host"], "sh", "-c", probe);
        Assert.True(host.ExitCode == 0, host.ToString());
        var lines = host.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(hostName, lines[0]);
        Assert.Equal(hostIfaces, lines.Skip(1).Order(StringComparer.Ordinal).ToArray());

        // Without it the container has a network namespace of its own: only its loopback.
        var own = docker.Run(["--rm", "--network", "none"], "sh", "-c", probe);
        Assert.True(own.ExitCode == 0, own.ToString());
        Assert.Equal(["lo"], own.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray());
    }

    [Fact]
    public void Rm_force_of_a_running_container_leaves_no_state_or_cgroup()
    {
        string name = "ocirun-test-rm";
        string id = docker.Detached(name, "sleep", "1000");
        string cgroup = DockerDaemon.CgroupOf(id);
        Assert.True(Directory.Exists(cgroup), $"no cgroup {cgroup}");
        docker.Ok("rm", "-f", name);
        Assert.Contains($"No such container: {name}", docker.Docker("rm", name).Stderr);
        Assert.False(Directory.Exists(Path.Join(docker.Daemon.RuntimeRoot, id)), "ocirun state left after rm -f");
        Assert.False(Directory.Exists(cgroup), $"cgroup {cgroup} left after rm -f");
    }
}
