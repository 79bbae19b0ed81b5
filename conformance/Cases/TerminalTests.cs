using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config.md `terminal` with runc's --console-socket, as `docker run -t` uses it.</summary>
public class TerminalTests
{
    [Fact]
    [Spec("config.md", "**`terminal`** (bool, OPTIONAL) specifies whether a terminal is attached to the process, defaults to false.")]
    [Spec("config.md", "**`consoleSize`** (object, OPTIONAL) specifies the console size in characters of the terminal.")]
    [Spec("config-linux.md", "`/dev/console` is set up if `terminal` is enabled in the config by bind mounting the pseudoterminal pty to `/dev/console`.")]
    public void Terminal_PtyMasterSentOnConsoleSocket()
    {
        using var c = new TestContainer();
        using var console = new ConsoleSocket(c.WorkFile("console.sock"));
        c.Bundle.Process["terminal"] = true;
        c.Bundle.Process["consoleSize"] = new System.Text.Json.Nodes.JsonObject { ["height"] = 33, ["width"] = 101 };
        c.Bundle.Shell("tty; stty size; [ -c /dev/console ] && echo console-ok; echo done-marker");

        var r = c.Create("--console-socket", console.Path);
        Assert.True(r.Succeeded, r.ToString());
        using var master = console.WaitForMaster(TimeSpan.FromSeconds(10));
        Assert.True(master != null, "no pty master arrived on the console socket");

        c.MustStart();
        string output = ConsoleSocket.ReadUntil(master, "done-marker", TimeSpan.FromSeconds(10)).Replace("\r", "");
        Assert.True(output.Contains("done-marker"), $"the process's output never came through the pty: {output}");
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("/dev/pts/", lines[0]);
        Assert.True(lines[1] == "33 101", $"consoleSize not applied, `stty size` says {lines[1]}");
        Assert.True(lines.Contains("console-ok"), $"/dev/console is not a character device: {output}");
    }
}
