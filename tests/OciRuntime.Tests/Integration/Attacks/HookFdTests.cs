using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// Hooks get stdio and nothing else. Every kind lists /proc/self/fd (as `ls` sees it: 0, 1, 2 and the directory
/// `ls` itself opens, 3) while the caller of the runtime holds descriptors 5 and 7 (a host directory) open without
/// close-on-exec. A runtime that passes its own descriptors (init's sync socket, the exec FIFO) or its caller's to a
/// hook shows more (ocirun before: createContainer saw init's socket and FIFO, poststart and poststop the caller's).
/// </summary>
public sealed class HookFdTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static readonly string[] HostSide = ["prestart", "createRuntime", "createContainer", "poststart", "poststop"];

    [Fact]
    public void Every_hook_kind_gets_only_stdin_stdout_and_stderr()
    {
        string host = Path.Join(Path.GetDirectoryName(_s.Root)!, "hostdir");
        Directory.CreateDirectory(host);
        var b = _s.NewBundle("sleep", "1000");
        b.Config["root"]!["readonly"] = false;
        string tmp = Path.Join(b.Rootfs, "tmp");
        var hooks = new JsonObject();
        foreach (var kind in HostSide) hooks[kind] = new JsonArray(Lister(kind, tmp));
        // startContainer runs in the container after pivot_root: its /tmp is the rootfs's.
        hooks["startContainer"] = new JsonArray(Lister("startContainer", "/tmp"));
        b.Config["hooks"] = hooks;
        b.Save();
        string id = _s.NewId();
        string leak = $"exec 5</etc/hostname 7<'{host}';";
        string[] oci = [RuntimeBinary.Path, "--root", _s.Root];
        var create = Launcher.Run(leak, [.. oci, "create", "--bundle", b.Dir, id]);
        Assert.True(create.ExitCode == 0, create.ToString());
        var start = Launcher.Run(leak, [.. oci, "start", id]);
        Assert.True(start.ExitCode == 0, start.ToString());
        Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        var delete = Launcher.Run(leak, [.. oci, "delete", id]);
        Assert.True(delete.ExitCode == 0, delete.ToString());

        string[] kinds = [.. HostSide, "startContainer"];
        var seen = kinds.Select(kind => Path.Join(tmp, kind + ".fds"))
            .Select((file, i) => $"{kinds[i]}: " + (File.Exists(file) ? string.Join(' ', ProcessTests.Lines(File.ReadAllText(file))) : "did not run"));
        Assert.Equal(kinds.Select(k => $"{k}: 0 1 2 3"), seen);
    }

    private static JsonObject Lister(string kind, string dir) => new()
    {
        ["path"] = "/bin/sh",
        ["args"] = new JsonArray("sh", "-c", $"exec ls /proc/self/fd > {dir}/{kind}.fds"),
    };
}
