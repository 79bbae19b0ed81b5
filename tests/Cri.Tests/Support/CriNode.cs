using System.Diagnostics;
using System.Net.Sockets;
using Cri.Tests.Api;
using Engines.Tests.Containerd;
using Engines.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace Cri.Tests.Support;

/// <summary>
/// A Kubernetes node without the kubelet: a private containerd 1.6 with its CRI plugin, the runc shim driving the
/// binary under test, CNI bridge and portmap, the busybox and pause images imported into `k8s.io`; the tests call it
/// over CRI v1 gRPC as the kubelet would. One for the whole collection (starting it costs seconds). Dispose removes
/// what the tests left, checks that the CRI and the runtime left nothing behind, then takes the node down; a leak
/// throws, which fails the collection.
/// </summary>
public sealed class CriNode : IDisposable
{
    public CriConfig Config { get; }
    public RuntimeService.RuntimeServiceClient Runtime { get; }
    public string Dir => Config.Dir;

    private readonly Process daemon;
    private readonly GrpcChannel channel;
    private readonly CriResidue residue;
    private readonly string logFile;
    private readonly HashSet<string> podIds = [];

    public CriNode()
    {
        CriResidue.SweepDeadRuns(Paths.Runtime);
        Config = new CriConfig(Paths.TempDir("cri"), Paths.Runtime);
        residue = new CriResidue(Config);
        logFile = Path.Join(Dir, "containerd.log");
        Directory.CreateDirectory(Config.CniConfDir);
        Directory.CreateDirectory(Config.LogDir);
        File.WriteAllText(Path.Join(Config.CniConfDir, "10-ocirun-test.conflist"), Config.CniConflist());
        File.WriteAllText(Config.ConfigFile, Config.ContainerdToml());
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        // exec: the Process is containerd itself, so Dispose can stop and wait for it.
        psi.ArgumentList.Add("exec containerd --config \"$0\" >\"$1\" 2>&1 </dev/null");
        psi.ArgumentList.Add(Config.ConfigFile);
        psi.ArgumentList.Add(logFile);
        daemon = Process.Start(psi)!;
        channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(Config.Address), ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            },
        });
        Runtime = new RuntimeService.RuntimeServiceClient(channel);
        try
        {
            if (!Cmd.WaitFor(() => daemon.HasExited || Ctr(["version"], 5_000).ExitCode == 0, 30_000, 100) || daemon.HasExited)
                throw new InvalidOperationException($"containerd did not start:\n{Log()}");
            Import(CriConfig.BusyboxImage, null);
            // A pause that ends on TERM and INT, as the real one does; `wait` keeps it from forking every second.
            Import(CriConfig.PauseImage, ["/bin/sh", "-c", "trap 'exit 0' TERM INT; sleep 2147483647 & wait"]);
            // The CRI learns of imported images from events, and loads the CNI config on its own schedule.
            if (!Cmd.WaitFor(Ready, 30_000, 100))
                throw new InvalidOperationException($"the CRI did not become ready: {Runtime.Status(new StatusRequest())}\n{Log()}");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private void Import(string name, IReadOnlyList<string>? entrypoint)
    {
        string archive = Path.Join(Dir, "image.tar");
        OciImageLayout.Write(BusyboxTarball.Path, name, Dir, archive, entrypoint);
        var r = Ctr(["image", "import", archive]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"ctr image import {name}: {r}\n{Log()}");
        File.Delete(archive);
    }

    private bool Ready()
    {
        try
        {
            var conditions = Runtime.Status(new StatusRequest(), deadline: Deadline(5)).Status.Conditions;
            return conditions.Count > 0 && conditions.All(c => c.Status);
        }
        catch (RpcException)
        {
            return false;
        }
    }

    public CmdResult Ctr(IEnumerable<string> args, int timeoutMs = 60_000) =>
        Cmd.Run("ctr", ["--address", Config.Address, "--namespace", "k8s.io", .. args], timeoutMs);

    public static DateTime Deadline(int seconds = 60) => DateTime.UtcNow.AddSeconds(seconds);

    /// <summary>Runs a pod sandbox named <paramref name="name"/>; kubelet's defaults (pid namespace per container).</summary>
    public Pod RunPod(string name, Action<PodSandboxConfig>? edit = null)
    {
        var config = new PodSandboxConfig
        {
            Metadata = new PodSandboxMetadata { Name = name, Uid = Guid.NewGuid().ToString(), Namespace = "ocirun-test" },
            Hostname = name,
            LogDirectory = Path.Join(Config.LogDir, name),
            Linux = new LinuxPodSandboxConfig
            {
                CgroupParent = CriConfig.CgroupParent,
                SecurityContext = new LinuxSandboxSecurityContext
                {
                    NamespaceOptions = new NamespaceOption { Network = NamespaceMode.Pod, Pid = NamespaceMode.Container, Ipc = NamespaceMode.Pod },
                },
            },
        };
        edit?.Invoke(config);
        Directory.CreateDirectory(config.LogDirectory);
        string id = Runtime.RunPodSandbox(new RunPodSandboxRequest { Config = config }, deadline: Deadline()).PodSandboxId;
        lock (podIds) podIds.Add(id);
        return new Pod(this, id, config);
    }

    /// <summary>Stops and removes a pod: its containers go with it.</summary>
    /// <remarks>
    /// A short deadline: a runtime that breaks the shim's contract makes every stop hang (issue 14), and the suite
    /// should report that in minutes, not hours.
    /// </remarks>
    public void RemovePod(string id)
    {
        Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = id }, deadline: Deadline(20));
        Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = id }, deadline: Deadline(20));
    }

    public ContainerStatus Status(string id) =>
        Runtime.ContainerStatus(new ContainerStatusRequest { ContainerId = id }, deadline: Deadline()).Status;

    /// <summary>The status once the container has exited; throws with the daemon's log if it does not in time.</summary>
    public ContainerStatus WaitExited(string id, int timeoutMs = 20_000)
    {
        ContainerStatus? last = null;
        if (Cmd.WaitFor(() => (last = Status(id)).State == ContainerState.ContainerExited, timeoutMs, 100)) return last!;
        throw new TimeoutException($"container {id} did not exit in {timeoutMs} ms: {last}\n{LogTail()}");
    }

    public ExecResult ExecSync(string id, params string[] cmd)
    {
        var r = Runtime.ExecSync(new ExecSyncRequest { ContainerId = id, Cmd = { cmd }, Timeout = 30 }, deadline: Deadline());
        return new ExecResult(r.ExitCode, r.Stdout.ToStringUtf8(), r.Stderr.ToStringUtf8());
    }

    /// <summary>ExecSync that must exit 0; returns its stdout.</summary>
    public string Sh(string id, string script)
    {
        var r = ExecSync(id, "sh", "-c", script);
        if (r.ExitCode != 0) throw new InvalidOperationException($"exec in {id}: sh -c '{script}': {r}");
        return r.Stdout;
    }

    public string Log()
    {
        try { return File.ReadAllText(logFile); } catch (IOException) { return "(no containerd log)"; }
    }

    /// <summary>The daemon log's last lines (its warnings and errors), for assertion messages.</summary>
    public string LogTail(int lines = 40) =>
        string.Join('\n', Log().Split('\n').Where(l => !l.Contains("level=debug")).TakeLast(lines));

    public void Dispose()
    {
        // What the tests did not remove (a failed test's pod) goes the orderly way, through the CRI.
        residue.Step("remove pods left by tests", () =>
        {
            if (daemon.HasExited) return;
            foreach (var p in Runtime.ListPodSandbox(new ListPodSandboxRequest(), deadline: Deadline()).Items)
            {
                residue.Note($"pod {p.Metadata.Name} ({p.Id}) was left by its test");
                RemovePod(p.Id);
            }
        });
        // Then what the CRI and the runtime must have removed by themselves, before the sweep hides it.
        residue.Step("leak check", () => residue.CheckNothingLeft(podIds));
        channel.Dispose();
        residue.Step("stop containerd", () =>
        {
            if (daemon.HasExited) return;
            CriResidue.Kill(daemon.Id, 15);
            if (!daemon.WaitForExit(15_000)) { residue.Note("containerd ignored SIGTERM for 15 s"); daemon.Kill(); daemon.WaitForExit(); }
        });
        daemon.Dispose();
        residue.Sweep(podIds);
        residue.ThrowIfAnyLeft();
    }
}
