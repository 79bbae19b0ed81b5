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
    public void A_container_id_over_1024_characters_is_refused()
    {
        var b = _s.NewBundle("true");
        b.Save();
        AssertOneLineError(_s.Oci("create", "--bundle", b.Dir, new string('a', 1025)), "container id");
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

    /// <summary>Issue #10's list of bad configs, each edited into a valid bundle: a one-line error naming the
    /// field (and the value where there is one), non-zero exit, and nothing left behind.</summary>
    [Theory]
    [InlineData("empty-config", "config.json is empty")]
    [InlineData("wrong-type", "process.args[0]")]
    [InlineData("namespace-type", "\"foo\"")]
    [InlineData("rlimit", "RLIMIT_NOPE")]
    [InlineData("seccomp-action", "SCMP_ACT_NOPE")]
    [InlineData("seccomp-op", "SCMP_CMP_NOPE")]
    [InlineData("seccomp-arch", "SCMP_ARCH_NOPE")]
    [InlineData("propagation", "rootfsPropagation")]
    [InlineData("root-not-dir", "root.path")]
    [InlineData("hostname-without-uts", "hostname")]
    [InlineData("mappings-without-userns", "uidMappings")]
    [InlineData("relative-hook", "hooks.prestart[0].path")]
    [InlineData("uid-too-big", "process.user.uid")]
    [InlineData("negative-memory", "linux.resources.memory.limit")]
    public void Bad_config_is_one_line_naming_the_field_with_no_residue(string kind, string mustContain)
    {
        var b = _s.NewBundle("true");
        b.Save();
        string config = Path.Join(b.Dir, "config.json");
        string json = File.ReadAllText(config);
        var c = JsonNode.Parse(json)!.AsObject();
        switch (kind)
        {
            case "empty-config": json = ""; break;
            case "wrong-type": c["process"]!["args"] = new JsonArray(1, 2); break;
            case "namespace-type": c["linux"]!["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "foo" }); break;
            case "rlimit": c["process"]!["rlimits"] = new JsonArray(new JsonObject { ["type"] = "RLIMIT_NOPE", ["hard"] = 1, ["soft"] = 1 }); break;
            case "seccomp-action": c["linux"]!["seccomp"] = new JsonObject { ["defaultAction"] = "SCMP_ACT_NOPE" }; break;
            case "seccomp-op":
                c["linux"]!["seccomp"] = JsonNode.Parse("""{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_NOPE"}]}]}""");
                break;
            case "seccomp-arch": c["linux"]!["seccomp"] = JsonNode.Parse("""{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_NOPE"]}"""); break;
            case "propagation": c["linux"]!["rootfsPropagation"] = "sideways"; break;
            case "root-not-dir": File.WriteAllText(Path.Join(b.Dir, "afile"), ""); c["root"]!["path"] = "afile"; break;
            case "hostname-without-uts":
                c["linux"]!["namespaces"] = new JsonArray(new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "pid" });
                break;
            case "mappings-without-userns":
                c["linux"]!["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 1000, ["size"] = 1 });
                c["linux"]!["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 1000, ["size"] = 1 });
                break;
            case "relative-hook": c["hooks"] = JsonNode.Parse("""{"prestart":[{"path":"bin/true"}]}"""); break;
            case "uid-too-big": c["process"]!["user"]!["uid"] = 4294967296L; break;
            case "negative-memory": c["linux"]!["resources"] = JsonNode.Parse("""{"memory":{"limit":-2}}"""); break;
        }
        if (kind != "empty-config") json = c.ToJsonString();
        File.WriteAllText(config, json);
        var r = _s.Oci("create", "--bundle", b.Dir, _s.NewId());
        AssertOneLineError(r, mustContain);
        Assert.False(Directory.Exists(Path.Join(_s.Root, "x")) );
        Assert.Empty(Directory.Exists(_s.Root) ? Directory.GetFileSystemEntries(_s.Root) : []);
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

    // containerd's shim reads --log after every failure; runc creates it on every command, so a failure that logs
    // nothing still reads as "exit status 1: <output>" and not as "open log.json: no such file or directory".
    [Fact]
    public void Json_log_is_created_by_a_command_that_logs_nothing()
    {
        string log = Path.Join(_s.Root, "..", $"quiet-{_s.NewId()}.json");
        var r = RuntimeBinary.Run(["--root", _s.Root, "--log", log, "--log-format", "json", "list"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(log), "no log file");
        Assert.Equal("", File.ReadAllText(log));
        File.Delete(log);
    }

    [Fact]
    public void Json_log_gets_a_command_line_error()
    {
        string log = Path.Join(_s.Root, "..", $"usage-{_s.NewId()}.json");
        var r = RuntimeBinary.Run(["--root", _s.Root, "--log", log, "--log-format", "json", "create", _s.NewId(), "surplus-argument"]);
        Assert.NotEqual(0, r.ExitCode);
        var line = JsonNode.Parse(File.ReadAllLines(log).Last())!;
        Assert.Equal("error", (string)line["level"]!);
        Assert.Contains("surplus-argument", (string)line["msg"]!);
        Assert.Contains("surplus-argument", r.Stderr);
        File.Delete(log);
    }

    [Fact]
    public void Json_log_gets_command_line_errors_too()
    {
        // containerd's shim reads only the log: an unknown flag must not reach ctr as "unable to retrieve OCI runtime error".
        var b = _s.NewBundle();
        b.Save();
        string log = Path.Join(b.Dir, "log.json");
        var r = RuntimeBinary.Run(["--root", _s.Root, "--log", log, "--log-format", "json", "create", "--bundle", b.Dir, "--ocirun-test-no-such-flag", "x", _s.NewId()]);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("ocirun: Unrecognized command or argument", r.Stderr);
        var line = JsonNode.Parse(File.ReadAllLines(log).Last())!;
        Assert.Equal("error", (string)line["level"]!);
        Assert.StartsWith("create: Unrecognized command or argument", (string)line["msg"]!);
        Assert.False(string.IsNullOrEmpty((string?)line["time"]));
    }
}
