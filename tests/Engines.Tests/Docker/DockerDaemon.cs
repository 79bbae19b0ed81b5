using System.Diagnostics;
using Engines.Tests.Support;

namespace Engines.Tests.Docker;

/// <summary>
/// A dockerd of the test's own: its data root, exec root, socket, pidfile and config file all under one
/// ocirun-test directory, no bridge, no iptables, no ip forwarding, cgroups under /ocirun-test-docker-PID, and ocirun
/// registered as the runtime "ocirun". Dispose leaves nothing behind (see <see cref="DockerResidue"/>).
/// </summary>
public sealed class DockerDaemon : IDisposable
{
    /// <summary>Absolute, so the cgroups land at /sys/fs/cgroup/CTRL/ocirun-test-docker-PID whatever cgroup the test
    /// runs in (a relative parent is relative to the shim's own cgroup, which differs per controller); the test
    /// run's pid, so that the sweep in Dispose never reaches another run's containers.</summary>
    public static readonly string CgroupParent = $"/ocirun-test-docker-{Environment.ProcessId}";

    /// <summary>Where the container's cgroup is on the host: the pids hierarchy of a v1 or hybrid host (docker
    /// 20.10 with cgroupfs uses v1 there), else the unified tree.</summary>
    public static string CgroupOf(string id) => Path.Join(Unified ? "/sys/fs/cgroup" : "/sys/fs/cgroup/pids", CgroupParent, id);

    public static bool Unified => File.Exists("/sys/fs/cgroup/cgroup.controllers");

    public string Dir { get; }
    public string ExecRoot => Path.Join(Dir, "exec");
    public string DataRoot => Path.Join(Dir, "data");
    public string Socket => Path.Join(Dir, "docker.sock");
    public string LogFile => Path.Join(Dir, "dockerd.log");
    /// <summary>Where the containerd shim keeps the runtime's state (its --root for ocirun).</summary>
    public string RuntimeRoot => Path.Join(ExecRoot, "runtime-runc", "moby");

    /// <summary>The containers ocirun keeps under <see cref="RuntimeRoot"/> (not its own dot-entries, such as
    /// the seccomp filter cache).</summary>
    public string[] RuntimeContainers() => ContainersUnder(RuntimeRoot);

    internal static string[] ContainersUnder(string root) =>
        Directory.Exists(root) ? Directory.GetDirectories(root).Where(d => !Path.GetFileName(d).StartsWith('.')).ToArray() : [];

    private readonly Process _process;
    private readonly bool _runDockerExisted = Directory.Exists("/run/docker");
    private readonly bool _runContainerdExisted = Directory.Exists("/run/containerd");
    private readonly Dictionary<string, string> _clientEnv;

    public DockerDaemon(string runtime)
    {
        Dir = Paths.TempDir("docker");
        Directory.CreateDirectory(DataRoot);
        Directory.CreateDirectory(ExecRoot);
        // An empty config of our own: nothing of the host's /etc/docker/daemon.json.
        File.WriteAllText(Path.Join(Dir, "daemon.json"), "{}\n");
        Directory.CreateDirectory(Path.Join(Dir, "client"));
        _clientEnv = new() { ["DOCKER_CONFIG"] = Path.Join(Dir, "client"), ["DOCKER_HOST"] = "unix://" + Socket };

        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardInput = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$OCIRUN_T_LOG\" 2>&1");
        foreach (var a in new[]
        {
            "/usr/sbin/dockerd", "--debug",
            "--data-root", DataRoot, "--exec-root", ExecRoot, "--pidfile", Path.Join(Dir, "dockerd.pid"),
            "-H", "unix://" + Socket, "--config-file", Path.Join(Dir, "daemon.json"),
            "--iptables=false", "--ip6tables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
            "--storage-driver", "vfs", "--cgroup-parent", CgroupParent,
            "--add-runtime", "ocirun=" + runtime,
        }) psi.ArgumentList.Add(a);
        psi.Environment["OCIRUN_T_LOG"] = LogFile;
        // Debian's containerd and shim, not whatever sits earlier in the test's PATH.
        psi.Environment["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin";
        _process = Process.Start(psi)!;
        _process.StandardInput.Close();
        try
        {
            if (!Cmd.WaitFor(() => _process.HasExited || Client(["version", "--format", "{{.Server.Version}}"], 5_000).ExitCode == 0, 30_000, 200)
                || _process.HasExited)
                throw new InvalidOperationException($"dockerd did not come up:\n{Tail()}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Debian's docker 20.10 client (another, newer one may sit earlier in PATH), talking to our daemon.</summary>
    public CmdResult Client(IEnumerable<string> args, int timeoutMs = 60_000, string? stdin = null) =>
        Cmd.Run("/usr/bin/docker", args, timeoutMs, _clientEnv, stdin);

    /// <summary>The end of dockerd's log (containerd's and the shims' lines are in it): for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        try { return string.Join('\n', File.ReadLines(LogFile).TakeLast(lines)); }
        catch (IOException e) { return $"(no dockerd log: {e.Message})"; }
    }

    public void Dispose()
    {
        var residue = new DockerResidue(Dir, RuntimeRoot, CgroupParent);
        // Containers first, while the daemon can still stop them the ordinary way.
        residue.Step("docker rm -f", () =>
        {
            if (_process.HasExited) return;
            var ids = Client(["ps", "-aq", "--no-trunc"], 20_000).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (ids.Length > 0) Client(["rm", "-f", .. ids], 30_000);
        });
        residue.Step("stop dockerd", () => residue.StopDaemon(_process));
        residue.Step("kill containerd and shims", residue.KillOurProcesses);
        residue.Step("delete runtime state", () => residue.DeleteRuntimeState(Paths.Runtime));
        residue.Step("remove cgroups", residue.RemoveCgroups);
        residue.Step("unmount", residue.Unmount);
        residue.Step("remove directories", () => residue.RemoveDirs(_runDockerExisted, _runContainerdExisted));
        _process.Dispose();
        residue.ThrowIfAnyLeft();
    }
}
