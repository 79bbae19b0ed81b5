using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>
/// runc's `exec`, `ps`, `pause` and `resume`: not operations of the spec, but every
/// engine uses them (docker exec, containerd's shim with --process and --pid-file).
/// </summary>
public class ExecTests
{
    [Fact]
    [Spec("runtime.md", "Once the container is created additional actions MAY be performed based on the features the runtime chooses to support.")]
    public void Exec_RunsInContainerNamespaces_ReturnsExitCode()
    {
        using var c = new TestContainer();
        c.Bundle.Config["hostname"] = "exec-box";
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();

        var r = c.Invoke("exec", c.Id, "sh", "-c", "hostname; cat /proc/1/cmdline | tr '\\0' ' '; exit 7");
        Assert.Equal(7, r.ExitCode);
        var lines = r.Stdout.Split('\n');
        Assert.Equal("exec-box", lines[0]);
        Assert.Equal("sleep 60", lines[1].Trim());
    }

    [Fact]
    [Spec("runtime.md", "Once the container is created additional actions MAY be performed based on the features the runtime chooses to support.")]
    public void Exec_ProcessJson_WithPidFile()
    {
        // containerd's shim writes the process spec to a file and passes --process and
        // --pid-file; the pid file must hold bare digits like create's.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();

        string processJson = c.WorkFile("process.json");
        File.WriteAllText(processJson, new JsonObject
        {
            ["terminal"] = false,
            ["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 },
            ["args"] = new JsonArray("sh", "-c", "pwd; id -u; echo $OCIRUN_EXEC"),
            ["env"] = new JsonArray("PATH=/bin", "OCIRUN_EXEC=via-process-json"),
            ["cwd"] = "/tmp",
        }.ToJsonString());
        string pidFile = c.WorkFile("exec.pid");

        var r = c.Invoke("exec", "--process", processJson, "--pid-file", pidFile, c.Id);
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal(["/tmp", "1000", "via-process-json"], r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(new Regex("^[0-9]+$"), File.ReadAllText(pidFile));
    }

    [Fact]
    [Spec("runtime.md", "Once the container is created additional actions MAY be performed based on the features the runtime chooses to support. However, some actions might only be available based on the current state of the container (e.g. only available while it is started).")]
    public void Exec_StoppedContainer_Fails()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
        var r = c.Invoke("exec", c.Id, "true");
        Assert.False(r.Succeeded, $"exec in a stopped container succeeded: {r}");
    }

    [Fact]
    [Spec("runtime.md", "Additional values MAY be defined by the runtime, however, they MUST be used to represent new runtime states not defined above.")]
    public void PauseResume_StatusPausedThenRunning()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();

        var pause = c.Invoke("pause", c.Id);
        Assert.True(pause.Succeeded, pause.ToString());
        Assert.Equal("paused", c.Status());

        var resume = c.Invoke("resume", c.Id);
        Assert.True(resume.Succeeded, resume.ToString());
        Assert.Equal("running", c.Status());
    }

    [Fact]
    [Spec("runtime.md", "Once the container is created additional actions MAY be performed based on the features the runtime chooses to support.")]
    public void Ps_FormatJson_ListsContainerPid()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();
        int pid = (int)c.StateJson()["pid"]!;

        var r = c.Invoke("ps", "--format", "json", c.Id);
        Assert.True(r.Succeeded, r.ToString());
        var pids = JsonNode.Parse(r.Stdout)!.AsArray().Select(p => (int)p!).ToList();
        Assert.Contains(pid, pids);
    }

    [Fact]
    [Spec("runtime.md", "Once the container is created additional actions MAY be performed based on the features the runtime chooses to support.")]
    public void ExecDetach_ReturnsWhileProcessRuns()
    {
        // containerd's shim runs `exec --detach --pid-file`, then watches that pid itself.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();

        string pidFile = c.WorkFile("exec.pid");
        var r = c.Invoke("exec", "--detach", "--pid-file", pidFile, c.Id, "sleep", "30");
        Assert.True(r.Succeeded, r.ToString());
        int pid = int.Parse(File.ReadAllText(pidFile));
        Assert.False(Probe.IsDead(pid), "the detached exec process is not running");
        Assert.Equal("sleep30", File.ReadAllText($"/proc/{pid}/cmdline").Replace("\0", ""));
    }

    [Fact]
    [Spec("runtime.md", "Upon successful completion of this operation the `status` property of this container MUST be `running`.")]
    public void RunDetach_LeavesContainerRunning()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.Bundle.Write();
        var r = c.Invoke("run", "--detach", "--bundle", c.Bundle.Path, c.Id);
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal("running", c.Status());
    }
}
