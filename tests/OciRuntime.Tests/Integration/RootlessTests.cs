using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// ocirun run by a real unprivileged user (made with useradd, entered with setpriv) on bundles from
/// `ocirun spec --rootless`. The sandbox directory is world-readable, so the user can read the rootfs.
/// </summary>
public sealed class RootlessTests : IDisposable
{
    private const string UserName = "ocirun-test-rl";
    private static readonly Lazy<(uint Uid, uint Gid, uint SubStart)> TestUser = new(MakeUser);

    private readonly Sandbox _s = new();
    private readonly List<string> _ids = [];
    private readonly string _xdg;

    public RootlessTests()
    {
        var u = TestUser.Value;
        _xdg = Path.Join(Path.GetDirectoryName(_s.Root)!, "xdg");
        Directory.CreateDirectory(_xdg);
        Exec.Capture("chown", $"{u.Uid}:{u.Gid}", _xdg);
        File.SetUnixFileMode(_xdg, (UnixFileMode)0x1c0);
    }

    public void Dispose()
    {
        foreach (var id in _ids) AsUser(["delete", "--force", id]);
        _s.Dispose();
    }

    private static (uint, uint, uint) MakeUser()
    {
        try { Exec.Capture("id", "-u", UserName); }
        catch (InvalidOperationException) { Exec.Capture("useradd", "-M", "-s", "/bin/sh", UserName); }
        uint uid = uint.Parse(Exec.Capture("id", "-u", UserName).Trim());
        uint gid = uint.Parse(Exec.Capture("id", "-g", UserName).Trim());
        // useradd grants subordinate ids (SUB_UID_* in login.defs); make sure there are some.
        string? line = File.ReadLines("/etc/subuid").FirstOrDefault(l => l.StartsWith(UserName + ":", StringComparison.Ordinal));
        if (line is null)
        {
            Exec.Capture("usermod", "--add-subuids", "500000-565535", "--add-subgids", "500000-565535", UserName);
            line = File.ReadLines("/etc/subuid").First(l => l.StartsWith(UserName + ":", StringComparison.Ordinal));
        }
        return (uid, gid, uint.Parse(line.Split(':')[1]));
    }

    private string NewId()
    {
        string id = _s.NewId();
        _ids.Add(id);
        return id;
    }

    /// <summary>ocirun as the test user, with only PATH and XDG_RUNTIME_DIR (unless told otherwise) in the environment.</summary>
    private RunResult AsUser(IEnumerable<string> args, bool xdg = true)
    {
        var u = TestUser.Value;
        var argv = new List<string> { "setpriv", $"--reuid={u.Uid}", $"--regid={u.Gid}", "--clear-groups", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin" };
        if (xdg) argv.Add("XDG_RUNTIME_DIR=" + _xdg);
        argv.Add(RuntimeBinary.Path);
        argv.AddRange(args);
        return Launcher.Run("", argv);
    }

    /// <summary>A bundle whose config.json the user wrote with `ocirun spec --rootless`, edited for the test.</summary>
    private Bundle RootlessBundle(string script)
    {
        var u = TestUser.Value;
        return SpecWrittenByUser(_s, u.Uid, u.Gid, args => AsUser(args)).Shell(script);
    }

    /// <summary>A bundle owned by the user, whose config.json is what `ocirun spec --rootless` wrote as that user
    /// (terminal off); the rootless attack tests start from the same.</summary>
    internal static Bundle SpecWrittenByUser(Sandbox s, uint uid, uint gid, Func<IEnumerable<string>, RunResult> asUser)
    {
        var b = s.NewBundle();
        Exec.Capture("chown", $"{uid}:{gid}", b.Dir);
        File.Delete(Path.Join(b.Dir, "config.json"));
        var spec = asUser(["spec", "--rootless", "--bundle", b.Dir]);
        Assert.True(spec.ExitCode == 0, spec.ToString());
        var written = JsonNode.Parse(File.ReadAllText(Path.Join(b.Dir, "config.json")))!.AsObject();
        b.Config.Clear();
        foreach (var (k, v) in written.ToList()) { written.Remove(k); b.Config[k] = v; }
        b.Process["terminal"] = false;
        return b;
    }

    private static JsonObject Range(uint c, uint h, uint size) => new() { ["containerID"] = c, ["hostID"] = h, ["size"] = size };

    [Fact]
    public void A_normal_user_runs_a_rootless_bundle_with_state_under_xdg_runtime_dir()
    {
        var u = TestUser.Value;
        var b = RootlessBundle("id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; sleep 1000");
        b.Save();
        string id = NewId();
        var r = AsUser(["run", "-d", "--bundle", b.Dir, id]);
        Assert.True(r.ExitCode == 0, r.ToString());

        // The default root of a non-root caller: $XDG_RUNTIME_DIR/ocirun, the container's directory 0700 and theirs.
        string dir = Path.Join(_xdg, "ocirun", id);
        Assert.True(Directory.Exists(dir), "no state under " + _xdg);
        Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(dir));
        Assert.Equal(u.Uid.ToString(), Exec.Capture("stat", "-c", "%u", dir).Trim());
        Assert.Equal((UnixFileMode)0x1c0, File.GetUnixFileMode(Path.Join(_xdg, "ocirun")));

        var state = AsUser(["state", id]);
        Assert.True(state.ExitCode == 0, state.ToString());
        int pid = (int)JsonNode.Parse(state.Stdout)!["pid"]!;
        // The container's root is the user on the host.
        Assert.Contains(File.ReadLines($"/proc/{pid}/status"), l => l.StartsWith("Uid:") && l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1] == u.Uid.ToString());
        // exec joins the user namespace first, then the others, as the same user.
        var ex = AsUser(["exec", id, "sh", "-c", "id -u; readlink /proc/self/ns/user"]);
        Assert.True(ex.ExitCode == 0, ex.ToString());
        Assert.Equal(["0", new FileInfo($"/proc/{pid}/ns/user").LinkTarget!], ProcessTests.Lines(ex.Stdout).ToArray());
        var list = AsUser(["list", "-q"]);
        Assert.Contains(id, list.Stdout);
        // Without a delegated cgroup there is nothing to freeze: said plainly, not as a missing controller.
        var pause = AsUser(["pause", id]);
        Assert.NotEqual(0, pause.ExitCode);
        Assert.Contains("no cgroup", pause.Stderr);
        Assert.Equal(0, AsUser(["delete", "--force", id]).ExitCode);
        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void A_rootless_run_maps_only_the_users_own_id_and_denies_setgroups()
    {
        var u = TestUser.Value;
        var b = RootlessBundle("id -u; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups");
        b.Save();
        string id = NewId();
        var r = AsUser(["run", "--bundle", b.Dir, id]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = ProcessTests.Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        Assert.Equal(["0", $"0 {u.Uid} 1", $"0 {u.Gid} 1", "deny"], lines);
    }

    [SkippableFact]
    public void Several_ranges_go_through_newuidmap_and_newgidmap()
    {
        Skip.IfNot(File.Exists("/usr/bin/newuidmap"), "no /usr/bin/newuidmap (Debian's uidmap package)");
        var u = TestUser.Value;
        var b = RootlessBundle("cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -G");
        b.Linux["uidMappings"] = new JsonArray(Range(0, u.Uid, 1), Range(1, u.SubStart, 65536));
        b.Linux["gidMappings"] = new JsonArray(Range(0, u.Gid, 1), Range(1, u.SubStart, 65536));
        b.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000, ["additionalGids"] = new JsonArray(5) };
        b.Save();
        var r = AsUser(["run", "--bundle", b.Dir, NewId()]);
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = ProcessTests.Lines(r.Stdout).Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries))).ToArray();
        // The helpers leave setgroups allowed, so the process gets its additional group.
        Assert.Equal([$"0 {u.Uid} 1", $"1 {u.SubStart} 65536", $"0 {u.Gid} 1", $"1 {u.SubStart} 65536", "allow", "1000", "1000 5"], lines);
    }

    [SkippableFact]
    public void A_range_the_user_was_not_granted_is_a_clear_error()
    {
        Skip.IfNot(File.Exists("/usr/bin/newuidmap"), "no /usr/bin/newuidmap (Debian's uidmap package)");
        var u = TestUser.Value;
        var b = RootlessBundle("true");
        b.Linux["uidMappings"] = new JsonArray(Range(0, u.Uid, 1), Range(1, 4_000_000_000, 1000));
        b.Save();
        var r = AsUser(["run", "--bundle", b.Dir, NewId()]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.uidMappings", r.Stderr);
        Assert.Contains("newuidmap", r.Stderr);
    }

    [Fact]
    public void Cgroup_limits_without_a_delegated_cgroup_are_a_clear_error()
    {
        var b = RootlessBundle("true");
        b.Linux["resources"] = new JsonObject { ["pids"] = new JsonObject { ["limit"] = 50 } };
        b.Save();
        var r = AsUser(["run", "--bundle", b.Dir, NewId()]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.resources", r.Stderr);
        // Told from the errno the cgroup error carries (EACCES), not from its words.
        Assert.Contains("is not delegated to it (permission denied)", r.Stderr);
    }

    [Fact]
    public void Without_a_user_namespace_a_normal_user_gets_a_clear_error()
    {
        var b = RootlessBundle("true");
        b.Linux["namespaces"] = new JsonArray(new JsonObject { ["type"] = "pid" }, new JsonObject { ["type"] = "mount" }, new JsonObject { ["type"] = "uts" });
        b.Linux.Remove("uidMappings");
        b.Linux.Remove("gidMappings");
        b.Save();
        var r = AsUser(["run", "--bundle", b.Dir, NewId()]);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("user namespace", r.Stderr);
    }

    [SkippableFact]
    public void Without_xdg_runtime_dir_the_root_is_under_run_user()
    {
        var u = TestUser.Value;
        // A login session would make the directory; this checks the message given without one.
        Skip.If(Directory.Exists($"/run/user/{u.Uid}"), $"/run/user/{u.Uid} exists (a login session of the test user)");
        var b = RootlessBundle("true");
        b.Save();
        var r = AsUser(["run", "--bundle", b.Dir, NewId()], xdg: false);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"/run/user/{u.Uid}/ocirun", r.Stderr);
        Assert.Contains("XDG_RUNTIME_DIR", r.Stderr);
    }
}
