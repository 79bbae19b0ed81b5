using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>create → start → state → kill → delete, as runtime.md orders it, on real containers.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private (string id, Bundle b) Created(params string[] args)
    {
        var b = _s.NewBundle(args.Length == 0 ? ["sleep", "1000"] : args);
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return (id, b);
    }

    [Fact]
    public void State_goes_created_running_stopped_and_delete_leaves_nothing()
    {
        var (id, b) = Created();
        var st = _s.State(id);
        Assert.Equal("created", (string)st["status"]!);
        int pid = (int)st["pid"]!;
        Assert.True(pid > 0);
        Assert.Equal(b.Dir, (string)st["bundle"]!);
        Assert.Equal(id, (string)st["id"]!);
        Assert.False(string.IsNullOrEmpty((string?)st["ociVersion"]));

        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        Assert.Equal("running", (string)_s.State(id)["status"]!);
        Assert.Equal(pid, (int)_s.State(id)["pid"]!);

        Assert.Equal(0, _s.Oci("kill", id, "KILL").ExitCode);
        WaitFor(() => (string)_s.State(id)["status"]! == "stopped");

        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
        Assert.NotEqual(0, _s.Oci("state", id).ExitCode);
        Assert.False(Directory.Exists(Path.Join(_s.Root, id)));
    }

    [Fact]
    public void Start_of_a_running_container_fails()
    {
        var (id, _) = Created();
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        var r = _s.Oci("start", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("running", r.Stderr);
        Assert.Equal("running", (string)_s.State(id)["status"]!);
    }

    [Fact]
    public void Kill_of_a_stopped_container_fails()
    {
        var (id, _) = Created("true");
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        var r = _s.Oci("kill", id, "TERM");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("container not running", r.Stderr);
    }

    [Fact]
    public void Create_with_a_taken_id_fails_and_leaves_the_first_untouched()
    {
        var (id, b) = Created();
        int pid = (int)_s.State(id)["pid"]!;
        var r = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("already exists", r.Stderr);
        var st = _s.State(id);
        Assert.Equal("created", (string)st["status"]!);
        Assert.Equal(pid, (int)st["pid"]!);
    }

    [Fact]
    public void Delete_of_a_running_container_needs_force()
    {
        var (id, _) = Created();
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        var r = _s.Oci("delete", id);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not stopped", r.Stderr);
        Assert.Equal("running", (string)_s.State(id)["status"]!);
        int pid = (int)_s.State(id)["pid"]!;
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z"));
        Assert.NotEqual(0, _s.Oci("state", id).ExitCode);
    }

    [Fact]
    public void Default_kill_signal_is_TERM_and_names_and_numbers_are_accepted()
    {
        var (id, _) = Created("sh", "-c", "trap 'exit 3' USR1; trap 'exit 4' TERM; while true; do sleep 0.05; done");
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        Thread.Sleep(200);
        Assert.Equal(0, _s.Oci("kill", id).ExitCode);
        WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        Assert.NotEqual(0, _s.Oci("kill", id, "SIGNOPE").ExitCode);
    }

    [Fact]
    public void Pid_file_holds_bare_digits()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        string pidFile = Path.Join(b.Dir, "pid");
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, "--pid-file", pidFile, id).ExitCode);
        string text = File.ReadAllText(pidFile);
        Assert.Matches("^[0-9]+$", text);
        Assert.Equal((int)_s.State(id)["pid"]!, int.Parse(text));
    }

    [Fact]
    public void List_shows_containers_in_table_and_json()
    {
        var (id, _) = Created();
        var table = _s.Oci("list");
        Assert.Equal(0, table.ExitCode);
        Assert.StartsWith("ID", table.Stdout);
        Assert.Contains(id, table.Stdout);
        var json = _s.Oci("list", "--format", "json");
        var arr = System.Text.Json.Nodes.JsonNode.Parse(json.Stdout)!.AsArray();
        Assert.Contains(arr, n => (string)n!["id"]! == id && (string)n!["status"]! == "created");
        Assert.Equal(id + "\n", _s.Oci("list", "-q").Stdout);
    }

    [Fact]
    public void Annotations_appear_in_state()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Config["annotations"] = new System.Text.Json.Nodes.JsonObject { ["org.example.key"] = "value" };
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        Assert.Equal("value", (string)_s.State(id)["annotations"]!["org.example.key"]!);
    }

    [Fact]
    public void Run_detached_leaves_a_running_container()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("running", (string)_s.State(id)["status"]!);
    }

    [Fact]
    public void Run_removes_the_container_after_it_exits_unless_keep()
    {
        var b = _s.NewBundle("true");
        b.Save();
        string gone = _s.NewId(), kept = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "--bundle", b.Dir, gone).ExitCode);
        Assert.NotEqual(0, _s.Oci("state", gone).ExitCode);
        Assert.Equal(0, _s.Oci("run", "--keep", "--bundle", b.Dir, kept).ExitCode);
        Assert.Equal("stopped", (string)_s.State(kept)["status"]!);
    }

    internal static void WaitFor(Func<bool> condition, int ms = 5000)
    {
        for (int i = 0; i < ms / 10; i++)
        {
            if (condition()) return;
            Thread.Sleep(10);
        }
        Assert.True(condition(), "condition not reached in time");
    }
}
