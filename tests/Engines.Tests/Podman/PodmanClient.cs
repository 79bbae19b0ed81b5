using Engines.Tests.Support;

namespace Engines.Tests.Podman;

/// <summary>
/// podman 4.3 made fully private: storage, run state, temp files, events and network config all live under one
/// directory named ocirun-test-podman-PID; ocirun is the runtime, named in a containers.conf of our own so podman
/// passes it `--log FILE --log-format json` as it does runc. No daemon: every container gets a conmon.
/// </summary>
public sealed class PodmanClient
{
    public const string Image = "localhost/ocirun-test-busybox:latest";

    public string Base { get; }

    /// <summary>cgroupfs parent of every container (and of podman's conmon cgroup), on each v1 hierarchy.</summary>
    public string CgroupParent { get; }

    private readonly Dictionary<string, string> _env;
    private readonly string[] _global;

    public PodmanClient()
    {
        Base = Paths.TempDir("podman");
        CgroupParent = $"/ocirun-test-podman-{Environment.ProcessId}";
        foreach (var d in new[] { "root", "run", "tmp", "net" }) Directory.CreateDirectory(Path.Join(Base, d));
        string conf = Path.Join(Base, "containers.conf");
        // runtime_supports_json is what makes podman pass --log-format json and read ocirun's errors from the log.
        File.WriteAllText(conf, $"""
            [engine]
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            runtime = "ocirun"
            runtime_supports_json = ["ocirun"]
            [engine.runtimes]
            ocirun = ["{Paths.Runtime}"]
            [network]
            network_config_dir = "{Path.Join(Base, "net")}"
            """);
        // TMPDIR: containers/image puts big temporary files there (else /var/tmp).
        _env = new() { ["CONTAINERS_CONF"] = conf, ["TMPDIR"] = Path.Join(Base, "tmp") };
        _global = ["--root", Path.Join(Base, "root"), "--runroot", Path.Join(Base, "run"), "--tmpdir", Path.Join(Base, "tmp"),
            "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file", "--runtime", "ocirun"];
    }

    /// <summary>The flags every `podman run` and `podman create` of the tests takes: no network, our cgroup parent,
    /// and rlimits no higher than this VM's (root here lacks CAP_SYS_RESOURCE, podman's defaults ask for more).</summary>
    public string[] ContainerFlags => ["--network", "none", "--cgroup-parent", CgroupParent, "--pull", "never",
        "--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768"];

    public CmdResult Run(params string[] args) => Cmd.Run("podman", _global.Concat(args), env: _env);

    public CmdResult RunWithStdin(string stdin, params string[] args) => Cmd.Run("podman", _global.Concat(args), env: _env, stdin: stdin);

    /// <summary>podman in the background, its stdout and stderr to <paramref name="outFile"/> (a file, not a pipe: conmon
    /// would inherit a pipe).</summary>
    public System.Diagnostics.Process Start(string outFile, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var a in new[] { "-c", "exec \"$0\" \"$@\" >\"$OCIRUN_T_OUT\" 2>&1 </dev/null", "podman" }.Concat(_global).Concat(args))
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in _env) psi.Environment[k] = v;
        psi.Environment["OCIRUN_T_OUT"] = outFile;
        return System.Diagnostics.Process.Start(psi)!;
    }

    public CmdResult Ok(params string[] args)
    {
        var r = Run(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"podman {string.Join(' ', args)}: {r}");
        return r;
    }

    /// <summary>`podman run ARGS` with <see cref="ContainerFlags"/> in front of ARGS.</summary>
    public CmdResult Container(params string[] args) => Run(["run", .. ContainerFlags, .. args]);

    /// <summary>A detached container running <paramref name="command"/>; returns its full id.</summary>
    public string Detached(string name, params string[] command) =>
        Ok(["run", "-d", "--name", name, .. ContainerFlags, Image, .. command]).Stdout.Trim();

    /// <summary>Rows and columns of the terminal <see cref="InTerminal"/> gives podman, as `stty size` prints them.</summary>
    public const string TerminalSize = "33 111";

    /// <summary>
    /// podman under a pseudo-terminal (util-linux script) of <see cref="TerminalSize"/>, as a user at a terminal runs
    /// it: `-it` makes conmon take the container's pty master from ocirun over --console-socket and size it like
    /// podman's terminal. script -e returns the command's exit code.
    /// </summary>
    public CmdResult InTerminal(params string[] args) =>
        Cmd.Run("script", ["-qec", $"stty rows 33 cols 111; exec {string.Join(' ', new[] { "podman" }.Concat(_global).Concat(args).Select(Quote))}", "/dev/null"], env: _env);

    /// <summary>Imports the busybox tarball. containers/image keeps a blob-info cache in /var/lib/containers/cache
    /// for root whatever --root says, so the import runs in a private mount namespace with a tmpfs over /var/lib.</summary>
    public void ImportImage()
    {
        string script = "mount -t tmpfs -o size=16m,mode=0755 ocirun-test-podman /var/lib && exec podman \"$@\"";
        var r = Cmd.Run("unshare", ["--mount", "--propagation", "private", "sh", "-c", script, "sh",
            .. _global, "import", BusyboxTarball.Path, Image], env: _env, timeoutMs: 120_000);
        if (r.ExitCode != 0) throw new InvalidOperationException($"podman import: {r}");
    }

    public string Inspect(string container, string format) => Ok("inspect", "--format", format, container).Stdout.Trim();

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
