using System.Text.Json.Nodes;
using OciRuntime.Tests.Reliability;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// The copy of config.json in the container's entry is what start, exec, update and delete read the hooks, the
/// namespaces and the resources from. A copy that is damaged or gone is an error naming the file, before anything
/// changes; it never passes for a config without hooks.
/// </summary>
public sealed class ConfigCopyTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    /// <summary>A created container whose poststart and poststop hooks leave a mark in <paramref name="marks"/>.</summary>
    private string CreateWithHooks(string marks)
    {
        var b = _s.NewBundle("sleep", "1000");
        JsonObject Touch(string name) => new() { ["path"] = "/bin/sh", ["args"] = new JsonArray("sh", "-c", $"touch {marks}/{name}") };
        b.Config["hooks"] = new JsonObject
        {
            ["poststart"] = new JsonArray(Touch("poststart")),
            ["poststop"] = new JsonArray(Touch("poststop")),
        };
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        return id;
    }

    private static void Damage(string file, string how)
    {
        if (how == "missing") File.Delete(file);
        else File.WriteAllText(file, "{\"ociVersion\":");
    }

    [Theory]
    [InlineData("truncated", "is damaged")]
    [InlineData("missing", "is damaged (missing)")]
    public void A_damaged_copy_stops_start_exec_and_delete_naming_the_file_and_force_says_the_hooks_did_not_run(string how, string words)
    {
        string marks = Directory.CreateTempSubdirectory("ocirun-test-marks-").FullName;
        try
        {
            string id = CreateWithHooks(marks);
            string copy = Path.Join(_s.Root, id, "config.json");
            Damage(copy, how);
            string named = $"config copy {copy} {words}";

            // start refuses before releasing init: still created, and no poststart hook was skipped in silence.
            Rel.AssertCleanError(_s.Oci("start", id), named);
            Assert.Equal("created", (string)_s.State(id)["status"]!);
            var exec = _s.Oci("exec", id, "true");
            Assert.Equal(255, exec.ExitCode);
            Assert.Contains(named, exec.Stderr);
            Rel.AssertCleanError(_s.Oci("update", "--pids-limit", "50", id), named);

            Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
            Assert.True(Rel.WaitFor(() => Rel.Status(_s, id) == "stopped", 3000), "init outlived SIGKILL");
            var delete = _s.Oci("delete", id);
            Rel.AssertCleanError(delete, named);
            Assert.Contains($"delete --force {id}", delete.Stderr);
            Assert.True(Directory.Exists(Path.Join(_s.Root, id)), "a refused delete removed the entry");

            var force = _s.Oci("delete", "--force", id);
            Assert.True(force.ExitCode == 0, force.ToString());
            Assert.Contains(named, force.Stderr);
            Assert.Contains("poststop hooks are not run", force.Stderr);
            Assert.False(Path.Exists(Path.Join(_s.Root, id)));
            Assert.Empty(Directory.GetFiles(marks));
        }
        finally { Directory.Delete(marks, true); }
    }

    [Fact]
    public void A_sound_copy_runs_the_hooks_and_update_keeps_its_merge()
    {
        string marks = Directory.CreateTempSubdirectory("ocirun-test-marks-").FullName;
        try
        {
            string id = CreateWithHooks(marks);
            var start = _s.Oci("start", id);
            Assert.True(start.ExitCode == 0, start.ToString());
            Assert.True(File.Exists(Path.Join(marks, "poststart")));
            var update = _s.Oci("update", "--pids-limit", "50", id);
            Assert.True(update.ExitCode == 0, update.ToString());
            var copy = JsonNode.Parse(File.ReadAllText(Path.Join(_s.Root, id, "config.json")))!;
            Assert.Equal(50, (int)copy["linux"]!["resources"]!["pids"]!["limit"]!);
            Assert.NotNull(copy["hooks"]!["poststop"]);
            Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
            Assert.True(File.Exists(Path.Join(marks, "poststop")));
        }
        finally { Directory.Delete(marks, true); }
    }
}
