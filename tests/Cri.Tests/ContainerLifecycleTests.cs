using System.Diagnostics;
using System.Text.RegularExpressions;
using Cri.Tests.Api;
using Cri.Tests.Support;
using Grpc.Core;

namespace Cri.Tests;

/// <summary>A container's life through the CRI: create, start, stop with a grace period, remove; its log file.</summary>
[Collection(CriCollection.Name)]
public sealed class ContainerLifecycleTests(CriNode node)
{
    [Fact]
    public void CreateStartStopRemove_StatesFollowTheProcess()
    {
        using var pod = node.RunPod("life");
        string id = pod.Create("answers-term", ["sh", "-c", "trap 'exit 42' TERM; echo started > /tmp/started; sleep 100000 & wait"]);
        Assert.Equal(ContainerState.ContainerCreated, node.Status(id).State);
        // containerd's CRI creates the runtime's container (the task) only at StartContainer.
        Assert.False(Directory.Exists(Path.Join(node.Config.RuntimeNamespaceRoot, id)), "runtime state before StartContainer");

        node.Runtime.StartContainer(new StartContainerRequest { ContainerId = id }, deadline: CriNode.Deadline());
        var running = node.Status(id);
        Assert.Equal(ContainerState.ContainerRunning, running.State);
        Assert.True(running.StartedAt > 0);
        Assert.True(Directory.Exists(Path.Join(node.Config.RuntimeNamespaceRoot, id)), "no runtime state for a running container");
        Assert.Equal("started\n", node.Sh(id, "cat /tmp/started"));

        // The process answers SIGTERM: the stop returns well before the grace period, with the trap's exit code.
        var sw = Stopwatch.StartNew();
        node.Runtime.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 20 }, deadline: CriNode.Deadline());
        Assert.True(sw.ElapsedMilliseconds < 10_000, $"StopContainer took {sw.ElapsedMilliseconds} ms for a process that exits on TERM");
        var exited = node.Status(id);
        Assert.Equal(ContainerState.ContainerExited, exited.State);
        Assert.Equal(42, exited.ExitCode);
        Assert.True(exited.FinishedAt >= exited.StartedAt);

        node.Runtime.RemoveContainer(new RemoveContainerRequest { ContainerId = id }, deadline: CriNode.Deadline());
        var e = Assert.Throws<RpcException>(() => node.Status(id));
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.False(Directory.Exists(Path.Join(node.Config.RuntimeNamespaceRoot, id)), "the runtime's state outlived RemoveContainer");
        Assert.False(Directory.Exists($"/sys/fs/cgroup/memory{CriConfig.CgroupParent}/{id}"), "the cgroup outlived RemoveContainer");
    }

    [Fact]
    public void Stop_OfAProcessIgnoringTerm_KillsItAfterTheTimeout()
    {
        using var pod = node.RunPod("stop-timeout");
        string id = pod.Start("ignores-term", ["sh", "-c", "trap '' TERM; while :; do sleep 0.2; done"]);
        var sw = Stopwatch.StartNew();
        node.Runtime.StopContainer(new StopContainerRequest { ContainerId = id, Timeout = 2 }, deadline: CriNode.Deadline());
        long ms = sw.ElapsedMilliseconds;
        var status = node.Status(id);
        Assert.Equal(ContainerState.ContainerExited, status.State);
        Assert.Equal(137, status.ExitCode);
        Assert.InRange(ms, 1_900, 15_000);
    }

    [Fact]
    public void Logs_TheCriLogFileHoldsStdoutAndStderrLines()
    {
        using var pod = node.RunPod("logs");
        string id = pod.Start("writer", ["sh", "-c", "echo out-line-1; echo err-line-1 >&2; echo out-line-2; exit 0"]);
        var status = node.WaitExited(id);
        Assert.Equal(0, status.ExitCode);
        string path = Path.Join(pod.Config.LogDirectory, "writer.log");
        Assert.Equal(path, status.LogPath);
        // The CRI log format: "<RFC 3339 time> <stream> <F(ull)|P(artial)> <text>", one line each.
        var lines = File.ReadAllLines(path);
        var parsed = lines.Select(l => Regex.Match(l, @"^(\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)) (stdout|stderr) F (.*)$")).ToList();
        Assert.All(parsed, m => Assert.True(m.Success, $"not a CRI log line: {m.Value}\n{string.Join('\n', lines)}"));
        var byStream = parsed.Select(m => (Stream: m.Groups[3].Value, Text: m.Groups[4].Value)).ToList();
        Assert.Equal([("stdout", "out-line-1"), ("stdout", "out-line-2")], byStream.Where(l => l.Stream == "stdout"));
        Assert.Equal([("stderr", "err-line-1")], byStream.Where(l => l.Stream == "stderr"));
    }
}
