using Cri.Tests.Api;
using Cri.Tests.Support;
using Engines.Tests.Support;

namespace Cri.Tests;

/// <summary>Pod sandboxes: run, stop, remove, and what the containers of one pod share.</summary>
[Collection(CriCollection.Name)]
public sealed class PodSandboxTests(CriNode node)
{
    [Fact]
    public void RunStopRemove_ThePauseProcessLivesAndGoesWithTheSandbox()
    {
        var pod = node.RunPod("sandbox-life");
        bool removed = false;
        try
        {
            var status = pod.Status().Status;
            Assert.Equal(PodSandboxState.SandboxReady, status.State);
            // An address from our CNI bridge's range, in a network namespace that is not ours.
            Assert.StartsWith("10.199.77.", status.Network.Ip);
            int pause = pod.PausePid();
            Assert.True(Directory.Exists(Path.Join(node.Config.RuntimeNamespaceRoot, pod.Id)), "no runtime state for the sandbox");
            Assert.NotEqual(Link("/proc/self/ns/net"), Link($"/proc/{pause}/ns/net"));
            Assert.Contains("trap", File.ReadAllText($"/proc/{pause}/cmdline"));
            Assert.Contains($":memory:{CriConfig.CgroupParent}/{pod.Id}\n", File.ReadAllText($"/proc/{pause}/cgroup"));

            node.Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = pod.Id }, deadline: CriNode.Deadline());
            Assert.Equal(PodSandboxState.SandboxNotready, pod.Status().Status.State);
            Assert.True(Cmd.WaitFor(() => Gone(pause), 5_000), "the pause process outlived StopPodSandbox");
            // Stop is idempotent, as the kubelet expects.
            node.Runtime.StopPodSandbox(new StopPodSandboxRequest { PodSandboxId = pod.Id }, deadline: CriNode.Deadline());

            node.Runtime.RemovePodSandbox(new RemovePodSandboxRequest { PodSandboxId = pod.Id }, deadline: CriNode.Deadline());
            removed = true;
            Assert.DoesNotContain(node.Runtime.ListPodSandbox(new ListPodSandboxRequest(), deadline: CriNode.Deadline()).Items, p => p.Id == pod.Id);
            Assert.False(Directory.Exists(Path.Join(node.Config.RuntimeNamespaceRoot, pod.Id)), "the runtime's state outlived RemovePodSandbox");
            Assert.False(Directory.Exists($"/sys/fs/cgroup/memory{CriConfig.CgroupParent}/{pod.Id}"), "the sandbox's cgroup outlived RemovePodSandbox");
        }
        finally
        {
            if (!removed) pod.Dispose();
        }
    }

    [Fact]
    public void Containers_ShareTheSandboxNetIpcAndUts_NotItsPidNamespace()
    {
        using var pod = node.RunPod("sandbox-share");
        string a = pod.StartSleeper("a");
        string b = pod.StartSleeper("b");
        int pause = pod.PausePid();
        foreach (var ns in new[] { "net", "ipc", "uts" })
        {
            string sandbox = Link($"/proc/{pause}/ns/{ns}");
            Assert.Equal(sandbox, node.Sh(a, $"readlink /proc/self/ns/{ns}").Trim());
            Assert.Equal(sandbox, node.Sh(b, $"readlink /proc/self/ns/{ns}").Trim());
        }
        Assert.Equal("sandbox-share\n", node.Sh(a, "hostname"));
        // The pod's /dev/shm (POSIX shared memory) is one tmpfs for all its containers.
        node.Sh(a, "echo from-a > /dev/shm/ocirun-test");
        Assert.Equal("from-a\n", node.Sh(b, "cat /dev/shm/ocirun-test"));
        // The same network: b reaches a server in a on the pod's loopback.
        // (Its output goes elsewhere: ExecSync returns when the exec's stdout closes.)
        node.Sh(a, "(echo hi-from-a | nc -l -p 7001 >/dev/null 2>&1 &) ; sleep 0.2");
        Assert.Equal("hi-from-a\n", node.Sh(b, "nc 127.0.0.1 7001 </dev/null"));
        // kubelet's default: a pid namespace per container, so each one's pid 1 is its own process.
        Assert.NotEqual(Link($"/proc/{pause}/ns/pid"), node.Sh(a, "readlink /proc/self/ns/pid").Trim());
        Assert.NotEqual(node.Sh(a, "readlink /proc/self/ns/pid"), node.Sh(b, "readlink /proc/self/ns/pid"));
        Assert.Contains("sleep", node.Sh(a, "cat /proc/1/cmdline | tr '\\0' ' '"));
    }

    [Fact]
    public void ShareProcessNamespace_ContainersSeePauseAndEachOther_AndExitsAreReported()
    {
        using var pod = node.RunPod("sandbox-sharepid", c => c.Linux.SecurityContext.NamespaceOptions.Pid = NamespaceMode.Pod);
        string a = pod.Start("a", ["sleep", "4242"]);
        string b = pod.StartSleeper("b");
        string ps = node.Sh(b, "for p in /proc/[0-9]*; do echo $(cat $p/cmdline | tr '\\0' ' '); done");
        Assert.Contains("sleep 4242", ps);
        Assert.Equal(Link($"/proc/{pod.PausePid()}/ns/pid"), node.Sh(b, "readlink /proc/self/ns/pid").Trim());
        Assert.Contains("trap", node.Sh(b, "cat /proc/1/cmdline"));
        // A container whose init exits in a shared pid namespace: the shim sweeps it with `kill --all`, and the CRI
        // must see the exit (issue 14: with runc's contract broken, it stays RUNNING for ever).
        string c = pod.Start("c", ["sh", "-c", "exit 3"]);
        var status = node.WaitExited(c, 10_000);
        Assert.Equal(3, status.ExitCode);
        node.Runtime.StopContainer(new StopContainerRequest { ContainerId = a, Timeout = 0 }, deadline: CriNode.Deadline(20));
        Assert.Equal(ContainerState.ContainerExited, node.Status(a).State);
    }

    internal static string Link(string path) => new FileInfo(path).LinkTarget ?? throw new InvalidOperationException($"{path} is no link");

    internal static bool Gone(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z'); }
        catch (IOException) { return true; }
    }
}
