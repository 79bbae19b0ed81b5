using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>
/// runc command-line behaviours that engines depend on. The spec leaves the command line
/// to each runtime ("these operations are not specifying any command-line APIs"), so the
/// reference for these is runc; each still ties back to the spec operation it serves.
/// </summary>
public class CliTests
{
    const string RuntimeMd = "runtime.md";

    [Fact]
    [Spec(RuntimeMd, "**`pid`** (int, REQUIRED when `status` is `created` or `running` on Linux, OPTIONAL on other platforms) is the ID of the container process.")]
    public void PidFile_HoldsBareDigits_MatchingState()
    {
        // containerd's shim reads the file with strconv.Atoi, which rejects a trailing newline.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        string pidFile = c.WorkFile("container.pid");
        var r = c.Create("--pid-file", pidFile);
        Assert.True(r.Succeeded, r.ToString());

        string text = File.ReadAllText(pidFile);
        Assert.Matches(new Regex(@"^[0-9]+$"), text);
        Assert.Equal((int)c.StateJson()["pid"]!, int.Parse(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(42)]
    [Spec("config.md", "**`args`** (array of strings, OPTIONAL) with similar semantics to IEEE Std 1003.1-2008 `execvp`'s *argv*.")]
    public void Run_ReturnsProcessExitCode(int code)
    {
        using var c = new TestContainer();
        c.Bundle.Shell($"exit {code}");
        var r = c.Run();
        Assert.False(r.TimedOut, r.ToString());
        Assert.Equal(code, r.ExitCode);
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST send the specified signal to the container process.")]
    public void Run_ProcessKilledBySignal_Returns128PlusSignal()
    {
        // Shells and engines report a death by signal n as 128+n; runc's `run` does too.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        var run = c.StartRun();
        Assert.True(c.WaitForStatus("running"), $"status is {c.Status()}");

        var kill = c.Kill("KILL");
        Assert.True(kill.Succeeded, kill.ToString());
        var r = run.Wait(TimeSpan.FromSeconds(20));
        Assert.False(r.TimedOut, r.ToString());
        Assert.Equal(128 + 9, r.ExitCode);
    }

    [Theory]
    [InlineData("9")]
    [InlineData("KILL")]
    [InlineData("SIGKILL")]
    [Spec(RuntimeMd, "This operation MUST send the specified signal to the container process.")]
    public void Kill_AcceptsNumberAndNames(string signal)
    {
        // containerd sends numbers, people type names with or without the SIG prefix.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        c.MustStart();
        var r = c.Kill(signal);
        Assert.True(r.Succeeded, r.ToString());
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");
    }

    [Fact]
    [Spec(RuntimeMd, "This operation MUST return the state of a container as specified in the State section.")]
    public void List_FormatJson_ListsContainer()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();

        var r = c.Invoke("list", "--format", "json");
        Assert.True(r.Succeeded, r.ToString());
        var list = JsonNode.Parse(r.Stdout) as JsonArray;
        Assert.True(list != null, $"list --format json did not print a JSON array: {r}");
        var entry = list.OfType<JsonObject>().SingleOrDefault(e => (string?)e["id"] == c.Id);
        Assert.True(entry != null, $"container {c.Id} not listed: {r.Stdout}");
        Assert.Equal("created", (string?)entry["status"]);
        Assert.True((int?)entry["pid"] > 0, $"no pid: {entry}");
        Assert.Equal(c.Bundle.Path, (string?)entry["bundle"]);
    }

    [Fact]
    [Spec(RuntimeMd, "If the runtime is unable to create the environment specified in the `config.json`, it MUST generate an error.")]
    public void LogJson_FailingCreate_WritesJsonLines()
    {
        // containerd's shim passes --log FILE --log-format json and, when a command fails,
        // reads the last "msg" from the file to show the user why.
        using var c = new TestContainer();
        c.Bundle.Config["root"]!["path"] = "does-not-exist";
        c.Bundle.Write();
        string log = c.WorkFile("runtime.log");

        var r = c.InvokeWithGlobals(["--log", log, "--log-format", "json"], "create", "--bundle", c.Bundle.Path, c.Id);
        Assert.False(r.Succeeded, $"create with a missing rootfs succeeded: {r}");
        Assert.True(File.Exists(log), "no log file written");

        var lines = File.ReadAllLines(log).Where(l => l.Trim().Length > 0).ToList();
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var entry = JsonNode.Parse(line) as JsonObject;
            Assert.True(entry != null, $"log line is not a JSON object: {line}");
            foreach (var key in new[] { "level", "msg", "time" })
                Assert.True(entry[key] is JsonValue, $"log line lacks \"{key}\": {line}");
        }
        Assert.Contains(lines, l => (string?)JsonNode.Parse(l)!["level"] == "error");
    }
}
