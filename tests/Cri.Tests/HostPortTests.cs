using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using Cri.Tests.Api;
using Cri.Tests.Support;
using Engines.Tests.Support;

namespace Cri.Tests;

/// <summary>A pod's hostPort, set up by CNI portmap, reached from the host's loopback.</summary>
[Collection(CriCollection.Name)]
public sealed class HostPortTests(CriNode node)
{
    [Fact]
    public void HostPort_OnLoopback_ReachesTheContainersServer()
    {
        int hostPort = FreePort();
        using var pod = node.RunPod("hostport", c => c.PortMappings.Add(new PortMapping { Protocol = Protocol.Tcp, ContainerPort = 8080, HostPort = hostPort }));
        string id = pod.Start("server", ["sh", "-c", "while :; do echo hello-from-$(hostname) | nc -l -p 8080; done"]);
        // The server is up when its socket listens in the pod's network namespace.
        Assert.True(Cmd.WaitFor(() => node.ExecSync(id, "sh", "-c", "netstat -ltn | grep -q ':8080 '").ExitCode == 0, 10_000),
            "the server in the pod never listened");
        string? reply = null;
        Assert.True(Cmd.WaitFor(() => (reply = TryRead(hostPort)) is { Length: > 0 }, 10_000),
            $"nothing answered on 127.0.0.1:{hostPort}\n{node.LogTail()}");
        Assert.Equal("hello-from-hostport\n", reply);
        // Once the pod is gone, so is the forwarding.
        pod.Dispose();
        Assert.Null(TryRead(hostPort));
    }

    private static string? TryRead(int port)
    {
        try
        {
            using var client = new TcpClient();
            if (!client.ConnectAsync("127.0.0.1", port).Wait(2_000)) return null;
            client.ReceiveTimeout = 2_000;
            using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
            return reader.ReadToEnd();
        }
        catch (Exception e) when (e is SocketException or IOException or AggregateException)
        {
            return null;
        }
    }

    /// <summary>A port in the ephemeral range that nothing on the host listens on.</summary>
    private static int FreePort()
    {
        var used = IPGlobalProperties.GetIPGlobalProperties().GetActiveTcpListeners().Select(e => e.Port).ToHashSet();
        var random = new Random();
        while (true)
        {
            int p = random.Next(30_000, 40_000);
            if (!used.Contains(p)) return p;
        }
    }
}
