using Cri.Tests.Api;

namespace Cri.Tests.Support;

/// <summary>A running pod sandbox; Dispose stops and removes it with its containers.</summary>
public sealed class Pod(CriNode node, string id, PodSandboxConfig config) : IDisposable
{
    public string Id { get; } = id;
    public PodSandboxConfig Config { get; } = config;

    public PodSandboxStatusResponse Status(bool verbose = false) =>
        node.Runtime.PodSandboxStatus(new PodSandboxStatusRequest { PodSandboxId = Id, Verbose = verbose }, deadline: CriNode.Deadline());

    /// <summary>The sandbox's (pause's) pid on the host, from the verbose status.</summary>
    public int PausePid() =>
        System.Text.Json.JsonDocument.Parse(Status(verbose: true).Info["info"]).RootElement.GetProperty("pid").GetInt32();

    /// <summary>Creates a busybox container running <paramref name="command"/>, changed by <paramref name="edit"/>.</summary>
    public string Create(string name, string[] command, Action<ContainerConfig>? edit = null)
    {
        var config = new ContainerConfig
        {
            Metadata = new ContainerMetadata { Name = name },
            Image = new ImageSpec { Image = CriConfig.BusyboxImage },
            Command = { command },
            LogPath = $"{name}.log",
            Linux = new LinuxContainerConfig
            {
                Resources = new LinuxContainerResources(),
                SecurityContext = new LinuxContainerSecurityContext
                {
                    NamespaceOptions = Config.Linux.SecurityContext.NamespaceOptions.Clone(),
                },
            },
        };
        edit?.Invoke(config);
        return node.Runtime.CreateContainer(
            new CreateContainerRequest { PodSandboxId = Id, Config = config, SandboxConfig = Config }, deadline: CriNode.Deadline()).ContainerId;
    }

    /// <summary>Creates and starts a container.</summary>
    public string Start(string name, string[] command, Action<ContainerConfig>? edit = null)
    {
        string cid = Create(name, command, edit);
        node.Runtime.StartContainer(new StartContainerRequest { ContainerId = cid }, deadline: CriNode.Deadline());
        return cid;
    }

    /// <summary>A container that stays up (for execs), answering TERM at once.</summary>
    public string StartSleeper(string name, Action<ContainerConfig>? edit = null) =>
        Start(name, ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"], edit);

    private bool removed;

    public void Dispose()
    {
        if (removed) return;
        removed = true;
        node.RemovePod(Id);
    }
}
