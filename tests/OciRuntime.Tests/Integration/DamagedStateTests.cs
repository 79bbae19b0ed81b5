using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Reliability;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// State entries that are not a container's: the directory a killed `create` leaves before its first save, and an
/// entry replaced by a regular file. Every command names such an entry the same way, and delete removes it with
/// whatever it can still find (the cgroups by id, the processes through them).
/// </summary>
[Collection("Reliability")]
public sealed class DamagedStateTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void A_create_killed_before_its_first_save_is_named_alike_and_plain_delete_removes_it()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        var rng = new Random(16);
        int kills = 0, recordless = 0;
        // The window (mkdir to the rename of state.json) is short, somewhere in 0-60 ms: 60 kills at uniform delays,
        // then, if none landed in it, delays narrowed to between the latest kill that left nothing and the earliest
        // that found state.json saved.
        double early = 0, late = 60;
        for (int i = 0; i < 60 || i < 160 && recordless == 0; i++)
        {
            double delay = i < 60 ? rng.NextDouble() * 60 : early + rng.NextDouble() * (late - early + 0.5);
            string id = _s.NewId();
            using (var p = Rel.Start(_s, "create", "--bundle", b.Dir, id))
            {
                var sw = Stopwatch.StartNew();
                while (sw.Elapsed.TotalMilliseconds < delay) Thread.SpinWait(50);
                try { p.Kill(); } catch (InvalidOperationException) { }
                p.WaitForExit();
            }
            kills++;
            string dir = Path.Join(_s.Root, id);
            if (!Directory.Exists(dir)) { early = Math.Max(early, delay); continue; }
            if (File.Exists(Path.Join(dir, "state.json")))
            {
                late = Math.Min(late, delay);
                Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
                continue;
            }
            recordless++;
            AssertRecordlessEntry(b, id);
        }
        output.WriteLine($"kills {kills}, entries without state.json {recordless}, window between {early:F2} and {late:F2} ms");
        Assert.True(recordless > 0, $"no kill landed between mkdir and the first save in {kills} kills");
    }

    /// <summary>What a kill between mkdir and the first save leaves (the directory, maybe state.json.tmp), made
    /// directly: the checks must run on every host, not only where the kill loop happens to hit the window.</summary>
    [Fact]
    public void An_entry_with_only_a_temporary_state_file_is_named_alike_and_plain_delete_removes_it()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        string id = _s.NewId();
        Directory.CreateDirectory(Path.Join(_s.Root, id));
        File.WriteAllText(Path.Join(_s.Root, id, "state.json.tmp"), "{\"id\":");
        AssertRecordlessEntry(b, id);
    }

    private void AssertRecordlessEntry(Bundle b, string id)
    {
        var list = _s.Oci("list", "--format", "json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var row = JsonNode.Parse(list.Stdout)!.AsArray().Single(e => (string)e!["id"]! == id)!.AsObject();
        Assert.Equal("stopped", (string)row["status"]!);
        Assert.Equal(0, (int)row["pid"]!);
        Assert.False(row.ContainsKey("created"), "a made-up creation time: " + row.ToJsonString());
        var table = _s.Oci("list");
        string line = table.Stdout.Split('\n').Single(l => l.StartsWith(id + " ", StringComparison.Ordinal));
        Assert.DoesNotContain("0001-01-01", line);
        Assert.Equal([id, "0", "stopped", "-", "-", "-"], line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        foreach (var args in new[] { new[] { "state", id }, ["kill", id, "KILL"], ["start", id] })
        {
            var r = _s.Oci(args);
            Rel.AssertCleanError(r, "has no state.json");
            Assert.DoesNotContain("does not exist", r.Stderr);
        }
        var again = _s.Oci("create", "--bundle", b.Dir, id);
        Rel.AssertCleanError(again, "already exists");
        Assert.Contains("has no state.json", again.Stderr);

        var del = _s.Oci("delete", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.False(Path.Exists(Path.Join(_s.Root, id)));
        Rel.AssertCleanError(_s.Oci("state", id), "does not exist");
        var create = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(create.ExitCode == 0, create.ToString());
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    [Fact]
    public void An_entry_replaced_by_a_file_is_named_and_delete_force_kills_through_the_cgroups_by_id()
    {
        var b = _s.NewBundle("sleep", "100");
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        int pid = (int)_s.State(id)["pid"]!;
        string entry = Path.Join(_s.Root, id);
        Directory.Delete(entry, true);
        File.WriteAllText(entry, "x\n");
        var cgroups = Directory.EnumerateDirectories("/sys/fs/cgroup").Select(h => Path.Join(h, "ocirun", id)).Where(Directory.Exists).ToList();
        Assert.NotEmpty(cgroups);

        string damage = $"state entry {entry} is not a directory (damaged)";
        foreach (var args in new[] { new[] { "state", id }, ["kill", id, "KILL"], ["delete", id] })
        {
            var r = _s.Oci(args);
            Rel.AssertCleanError(r, damage);
        }
        var again = _s.Oci("create", "--bundle", b.Dir, id);
        Rel.AssertCleanError(again, "already exists");
        Assert.Contains(damage, again.Stderr);
        var list = _s.Oci("list", "--format", "json");
        Assert.Equal("stopped", (string)JsonNode.Parse(list.Stdout)!.AsArray().Single(e => (string)e!["id"]! == id)!["status"]!);
        Assert.True(File.Exists(entry) && Directory.Exists($"/proc/{pid}"), "plain delete changed something");

        var del = _s.Oci("delete", "--force", id);
        Assert.True(del.ExitCode == 0, del.ToString());
        Assert.Contains(damage, del.Stderr);
        Assert.False(Path.Exists(entry));
        Assert.True(Rel.WaitFor(() => !IsLive(pid), 3000), $"init {pid} survived delete --force");
        Assert.DoesNotContain(cgroups, Directory.Exists);
        Rel.AssertCleanError(_s.Oci("state", id), "does not exist");
    }

    /// <summary>Alive and not a zombie waiting for its reaper (pid 1 here, since ocirun create exited).</summary>
    private static bool IsLive(int pid)
    {
        try { return !File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].TrimStart().StartsWith('Z'); }
        catch (IOException) { return false; }
    }

    [Fact]
    public void An_unexpected_exception_is_one_line_on_stderr_and_in_the_json_log()
    {
        // An empty --root makes the path library throw ArgumentException before any command starts its work.
        string log = Path.Join(Path.GetTempPath(), $"ocirun-test-log-{Guid.NewGuid():N}.json");
        try
        {
            var r = RuntimeBinary.Run(["--root", "", "--log", log, "--log-format", "json", "state", "ocirun-test-x"]);
            Assert.Equal(1, r.ExitCode);
            Rel.AssertCleanError(r, "internal error: ArgumentException");
            var lines = File.ReadAllLines(log);
            var entry = JsonNode.Parse(Assert.Single(lines))!.AsObject();
            Assert.Equal("error", (string)entry["level"]!);
            Assert.StartsWith("state: internal error: ArgumentException", (string)entry["msg"]!);
            Assert.True(DateTimeOffset.TryParse((string)entry["time"]!, out _), lines[0]);
        }
        finally { File.Delete(log); }
    }

    [Theory]
    [InlineData("uid", "process.user.uid 5000: setresuid 5000")]
    [InlineData("gid", "process.user.gid 5000: setresgid 5000")]
    [InlineData("additionalGids", "process.user.additionalGids [5000]: setgroups")]
    public void An_unmapped_user_names_its_config_field(string field, string expected)
    {
        var b = _s.NewBundle("true").UserNamespace();
        b.Linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 1000 });
        b.Linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 1000 });
        b.Process["user"] = field switch
        {
            "uid" => new JsonObject { ["uid"] = 5000, ["gid"] = 0 },
            "gid" => new JsonObject { ["uid"] = 0, ["gid"] = 5000 },
            _ => new JsonObject { ["uid"] = 0, ["gid"] = 0, ["additionalGids"] = new JsonArray(5000) },
        };
        var r = _s.Run(b);
        Rel.AssertCleanError(r, expected);
        Assert.Contains("does not map", r.Stderr);
    }

    [Fact]
    public void A_root_the_container_cannot_enter_names_root_path()
    {
        // Without a mount namespace init can only chroot; as a user namespace's root it has no right to enter a
        // 0700 directory of the host's root, so the chdir into the rootfs fails.
        var b = _s.NewBundle("true").UserNamespace().WithoutNamespace("mount");
        b.Config["mounts"] = new JsonArray();
        b.Linux.Remove("maskedPaths");
        b.Linux.Remove("readonlyPaths");
        b.Config["root"]!["readonly"] = false; // a read-only root needs a mount namespace (refused, tested elsewhere)
        File.SetUnixFileMode(b.Rootfs, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var r = _s.Run(b);
        Rel.AssertCleanError(r, $"root.path {b.Rootfs}: chdir rootfs");
    }
}
