using Cri.Tests.Api;
using Cri.Tests.Support;

namespace Cri.Tests;

/// <summary>Processes run in a running container: ExecSync, and Exec through containerd's streaming server.</summary>
[Collection(CriCollection.Name)]
public sealed class ExecTests(CriNode node)
{
    [Fact]
    public void ExecSync_GivesStreamsAndExitCode_InTheContainersNamespaces()
    {
        using var pod = node.RunPod("execsync");
        string id = pod.StartSleeper("target");
        var r = node.ExecSync(id, "sh", "-c", "echo out; echo err >&2; hostname; cat /proc/1/cmdline | tr '\\0' ' '; exit 7");
        Assert.Equal(7, r.ExitCode);
        Assert.Equal("err\n", r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("out", lines[0]);
        Assert.Equal("execsync", lines[1]);
        // pid 1 of the exec's pid namespace is the container's own command.
        Assert.StartsWith("sh -c trap 'exit 0' TERM;", lines[2]);
    }

    [Fact]
    public void ExecSync_Timeout_EndsTheProcess()
    {
        using var pod = node.RunPod("exectimeout");
        string id = pod.StartSleeper("target");
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<Grpc.Core.RpcException>(() => node.Runtime.ExecSync(
            new ExecSyncRequest { ContainerId = id, Cmd = { "sleep", "30" }, Timeout = 1 }, deadline: CriNode.Deadline()));
        Assert.Contains("timeout", e.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.True(sw.ElapsedMilliseconds < 15_000, $"ExecSync with a 1 s timeout took {sw.ElapsedMilliseconds} ms");
        Assert.DoesNotContain("sleep 30", node.Sh(id, "for p in /proc/[0-9]*; do echo $(cat $p/cmdline | tr '\\0' ' '); done"));
    }

    [Fact]
    public async Task Exec_Streaming_StdinStdoutStderrAndExitCode()
    {
        using var pod = node.RunPod("execstream");
        string id = pod.StartSleeper("target");
        var url = node.Runtime.Exec(new ExecRequest
        {
            ContainerId = id,
            Cmd = { "sh", "-c", "read line; echo \"got:$line\"; echo to-err >&2; exit 3" },
            Stdin = true, Stdout = true, Stderr = true,
        }, deadline: CriNode.Deadline()).Url;
        Assert.StartsWith("http://127.0.0.1:", url);
        var r = await ExecStream.RunAsync(url, "hello\n", TimeSpan.FromSeconds(30));
        Assert.Equal("got:hello\n", r.Stdout);
        Assert.Equal("to-err\n", r.Stderr);
        Assert.Equal(3, r.ExitCode);
    }
}
