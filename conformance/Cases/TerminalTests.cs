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
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 4, $"terminal output: {output}");
        Assert.StartsWith("/dev/pts/", lines[0]);
        Assert.Equal("33 101", lines[1]);
        Assert.Equal("console-ok", lines[2]);
    }
}
