using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>Bad input: one line naming the field, a non-zero exit, and nothing left behind (the sandbox checks).</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private RunResult Create(Bundle b)
    {
        b.Save();
        return _s.Oci("create", "--bundle", b.Dir, _s.NewId());
    }

    private static void AssertOneLineError(RunResult r, string mustContain)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(mustContain, r.Stderr);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Empty_args() =>
        AssertOneLineError(Create(_s.NewBundle().Edit(c => c["process"]!["args"] = new JsonArray())), "process.args");

    [Fact]
    public void Relative_cwd() =>
        AssertOneLineError(Create(_s.NewBundle("true").Edit(c => c["process"]!["cwd"] = "tmp")), "process.cwd");

    [Fact]
    public void Unknown_capability() =>
        AssertOneLineError(Create(_s.NewBundle("true").Edit(c => c["process"]!["capabilities"]!["bounding"]!.AsArray().Add("CAP_NOPE"))), "CAP_NOPE");

    [Fact]
    public void Missing_rootfs() =>
        AssertOneLineError(Create(_s.NewBundle("true").Edit(c => c["root"]!["path"] = "nope")), "root.path");

    [Fact]
    public void Config_that_is_not_json()
    {
        var b = _s.NewBundle("true");
        b.Save();
        File.WriteAllText(Path.Join(b.Dir, "config.json"), "{ not json");
        var r = _s.Oci("create", "--bundle", b.Dir, _s.NewId());
        AssertOneLineError(r, "config.json");
    }

    [Fact]
    public void Missing_config()
    {
        var b = _s.NewBundle("true");
        var r = _s.Oci("create", "--bundle", b.Dir, _s.NewId());
        AssertOneLineError(r, "config.json");
    }

    [Fact]
    public void Bundle_that_does_not_exist() =>
        AssertOneLineError(_s.Oci("create", "--bundle", "/nonexistent/bundle", _s.NewId()), "--bundle");

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    public void Invalid_container_ids(string id)
    {
        var b = _s.NewBundle("true");
        b.Save();
        AssertOneLineError(_s.Oci("create", "--bundle", b.Dir, id), "container id");
    }

    [Fact]
    public void Namespace_path_that_does_not_exist() =>
        AssertOneLineError(Create(_s.NewBundle("true").Edit(c =>
            {
                c.Remove("hostname");
                c["linux"]!["namespaces"] = new JsonArray(new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "network", ["path"] = "/proc/nope/ns/net" });
            })),
            "linux.namespaces[1].path");

    [Fact]
    public void Namespace_path_of_the_wrong_type() =>
        AssertOneLineError(Create(_s.NewBundle("true").Edit(c =>
            {
                c.Remove("hostname");
                c["linux"]!["namespaces"] = new JsonArray(new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "network", ["path"] = "/proc/self/ns/ipc" });
            })),
            "not network");

    [Theory]
    [InlineData("/not/systemd/form", "is not slice:prefix:name")]
    [InlineData("system.slice:ocirun:abc", "systemd is not running")]
    public void Systemd_cgroup_path_is_checked_and_refused_without_systemd(string path, string message)
    {
        var b = _s.NewBundle("true").Edit(c => c["linux"]!["cgroupsPath"] = path);
        b.Save();
        var r = RuntimeBinary.Run(["--root", _s.Root, "--systemd-cgroup", "create", "--bundle", b.Dir, _s.NewId()]);
        AssertOneLineError(r, message);
    }

    [Fact]
    public void Json_log_gets_the_error_line()
    {
        var b = _s.NewBundle().Edit(c => c["process"]!["args"] = new JsonArray());
        b.Save();
        string log = Path.Join(b.Dir, "log.json");
        var r = RuntimeBinary.Run(["--root", _s.Root, "--log", log, "--log-format=json", "create", "--bundle", b.Dir, _s.NewId()]);
        Assert.NotEqual(0, r.ExitCode);
        var line = JsonNode.Parse(File.ReadAllLines(log).Last())!;
        Assert.Equal("error", (string)line["level"]!);
        Assert.Contains("process.args", (string)line["msg"]!);
        Assert.False(string.IsNullOrEmpty((string?)line["time"]));
    }
}
