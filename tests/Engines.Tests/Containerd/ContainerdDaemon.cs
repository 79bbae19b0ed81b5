using System.Diagnostics;
using Engines.Tests.Support;

namespace Engines.Tests.Containerd;

/// <summary>
/// A private containerd 1.6 for one test class: its own root, state, sockets and runc root under /tmp/ocirun-test-*,
/// no CRI, the namespace `ocirun-test` (so the containers' cgroups are /ocirun-test/ID), and the busybox image imported.
/// Dispose leaves nothing behind even after a failed test: containers, shims, the daemon, mounts, cgroups, directories.
/// </summary>
public sealed class ContainerdDaemon : IDisposable
{
    public const string Namespace = "ocirun-test";
    public const string Image = "docker.io/library/ocirun-test-busybox:latest";

    public string Dir { get; }
    public string Address { get; }
    /// <summary>The --root the shim gives the runtime: ctr's --runc-root plus the namespace.</summary>
    public string RuntimeRoot => Path.Join(runcRoot, Namespace);

    private readonly string runcRoot, fifoDir, logFile;
    private readonly Process daemon;
    private readonly HashSet<string> ids = [];
    /// <summary>Whether /run/containerd was there before us: the shims make /run/containerd/s whatever our state dir is.</summary>
    private readonly bool hadRunContainerd = Directory.Exists(ContainerdCleanup.ShimSocketRoot);

    public ContainerdDaemon()
    {
        // "ctr-containerd": the docker tests start a containerd of their own in the same test process.
        Dir = Paths.TempDir("ctr-containerd");
        Address = Path.Join(Dir, "containerd.sock");
        runcRoot = Path.Join(Dir, "runc");
        fifoDir = Path.Join(Dir, "fifo");
        logFile = Path.Join(Dir, "containerd.log");
        Directory.CreateDirectory(fifoDir);
        string config = Path.Join(Dir, "config.toml");
        File.WriteAllText(config, Config());
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        // exec: the Process is containerd itself, so Dispose can stop and wait for it.
        psi.ArgumentList.Add("exec containerd --config \"$0\" >\"$1\" 2>&1 </dev/null");
        psi.ArgumentList.Add(config);
        psi.ArgumentList.Add(logFile);
        daemon = Process.Start(psi)!;
        try
        {
            if (!Cmd.WaitFor(() => daemon.HasExited || Ctr(["version"], 5_000).ExitCode == 0, 20_000, 100) || daemon.HasExited)
                throw new InvalidOperationException($"containerd did not start:\n{Log()}");
            string archive = Path.Join(Dir, "busybox-oci.tar");
            OciImageLayout.Write(BusyboxTarball.Path, Image, Dir, archive);
            var import = Ctr(["image", "import", archive]);
            if (import.ExitCode != 0) throw new InvalidOperationException($"ctr image import: {import}\n{Log()}");
            File.Delete(archive);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private string Config()
    {
        // Plugins that only cost start-up time or reach outside our directories are off.
        string[] disabled =
        [
            "io.containerd.grpc.v1.cri", "io.containerd.internal.v1.opt", "io.containerd.internal.v1.tracing",
            "io.containerd.tracing.processor.v1.otlp", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
            "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
        ];
        return $"""
            version = 2
            root = "{Path.Join(Dir, "root")}"
            state = "{Path.Join(Dir, "state")}"
            disabled_plugins = [{string.Join(", ", disabled.Select(p => $"\"{p}\""))}]
            [grpc]
              address = "{Address}"
            [ttrpc]
              address = "{Address}.ttrpc"
            [debug]
              level = "debug"
            """;
    }

    /// <summary>ctr against this daemon and namespace.</summary>
    public CmdResult Ctr(IEnumerable<string> args, int timeoutMs = 60_000) =>
        Cmd.Run("ctr", ["--address", Address, "--namespace", Namespace, .. args], timeoutMs);

    /// <summary>A container id remembered for cleanup; cgroups land in /ocirun-test/ID.</summary>
    public string NewId(string name)
    {
        lock (ids) ids.Add(name);
        return name;
    }

    /// <summary>`ctr run` with the runtime under test, FIFOs and runtime state in our directories.</summary>
    public CmdResult Run(IEnumerable<string> runFlags, string id, IEnumerable<string> command, int timeoutMs = 60_000) =>
        Ctr(["run", .. RunFlags, .. runFlags, Image, NewId(id), .. command], timeoutMs);

    /// <summary>`ctr run --config`: the whole spec from a file (root.path absolute), no image.</summary>
    public CmdResult RunConfig(IEnumerable<string> runFlags, string config, string id) =>
        Ctr(["run", .. RunFlags, .. runFlags, "--config", config, NewId(id)]);

    public IReadOnlyList<string> RunFlags => ["--fifo-dir", fifoDir, "--runc-binary", Paths.Runtime, "--runc-root", runcRoot];

    /// <summary>
    /// A bundle for <see cref="RunConfig"/>: `ocirun spec`'s config (no terminal, the busybox rootfs unpacked here,
    /// cgroupsPath /ocirun-test/ID as ctr would give it) changed by <paramref name="edit"/>.
    /// </summary>
    public string SpecBundle(string id, Action<System.Text.Json.Nodes.JsonNode> edit)
    {
        string bundle = Path.Join(Dir, "bundles", id);
        string rootfs = Path.Join(bundle, "rootfs");
        Directory.CreateDirectory(rootfs);
        Cmd.Ok("tar", ["-C", rootfs, "-xf", BusyboxTarball.Path]);
        Cmd.Ok(Paths.Runtime, ["spec", "--bundle", bundle]);
        string file = Path.Join(bundle, "config.json");
        var spec = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(file))!;
        spec["root"] = new System.Text.Json.Nodes.JsonObject { ["path"] = rootfs, ["readonly"] = true };
        spec["process"]!["terminal"] = false;
        spec["linux"]!["cgroupsPath"] = $"/{Namespace}/{id}";
        edit(spec);
        File.WriteAllText(file, spec.ToJsonString());
        return bundle;
    }

    public CmdResult Exec(string id, IEnumerable<string> execFlags, IEnumerable<string> command) =>
        Ctr(["task", "exec", "--fifo-dir", fifoDir, .. execFlags, id, .. command]);

    /// <summary>The STATUS column of `ctr task ls` for the task, or null when it is not listed.</summary>
    public string? TaskStatus(string id) => TaskRow(id)?[2];

    public int TaskPid(string id) => int.Parse(TaskRow(id)?[1] ?? throw new InvalidOperationException($"no task {id}: {Ctr(["task", "ls"])}"));

    private string[]? TaskRow(string id) => Ctr(["task", "ls"]).Stdout.Split('\n')
        .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).FirstOrDefault(f => f.Length >= 3 && f[0] == id);

    /// <summary>The daemon's log, for assertion messages.</summary>
    public string Log()
    {
        try { return File.ReadAllText(logFile); } catch (IOException) { return "(no containerd log)"; }
    }

    /// <summary>Removes a task and its container, killing the task first; for a test's own clean-up.</summary>
    public void Remove(string id)
    {
        Ctr(["task", "rm", "--force", id], 20_000);
        Ctr(["container", "rm", id], 20_000);
    }

    public void Dispose()
    {
        // The orderly way first: the shim unmounts the rootfs and runs `delete`, then exits when it has no task left.
        if (!daemon.HasExited)
            foreach (var id in Ctr(["container", "ls", "--quiet"], 20_000).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Remove(id);
        var shims = Shims();
        if (!daemon.HasExited)
        {
            Signal(daemon.Id, 15);
            if (!daemon.WaitForExit(10_000)) { daemon.Kill(); daemon.WaitForExit(); }
        }
        daemon.Dispose();
        // Whatever survived: shims of our daemon, then the containers' processes through their cgroups.
        foreach (int pid in shims.Concat(Shims())) Signal(pid, 9);
        Cmd.WaitFor(() => shims.All(Gone), 10_000);
        ContainerdCleanup.KillAndRemoveCgroups(Namespace, ids);
        ContainerdCleanup.UnmountUnder(Dir);
        ContainerdCleanup.RemoveShimSockets(Address, Namespace, ids, removeEmptyDirs: !hadRunContainerd);
        try { Directory.Delete(Dir, true); }
        catch (IOException e) { Console.Error.WriteLine($"containerd fixture: cannot remove {Dir}: {e.Message}"); }
    }

    /// <summary>containerd-shim-runc-v2 processes started by this daemon (their -address is our socket).</summary>
    private List<int> Shims()
    {
        var found = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), out int pid)) continue;
            string[] argv;
            try { argv = File.ReadAllText(Path.Join(d, "cmdline")).Split('\0'); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            int a = Array.IndexOf(argv, "-address");
            if (argv[0].EndsWith("containerd-shim-runc-v2") && a > 0 && a + 1 < argv.Length && argv[a + 1] == Address) found.Add(pid);
        }
        return found;
    }

    internal static bool Gone(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z'); }
        catch (IOException) { return true; }
    }

    internal static void Signal(int pid, int sig) => ContainerdCleanup.Kill(pid, sig);
}
