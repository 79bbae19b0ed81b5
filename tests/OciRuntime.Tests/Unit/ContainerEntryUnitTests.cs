using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Tests.Unit;

/// <summary>The container object on a real directory (no container process): what it writes in &lt;root&gt;/&lt;id&gt;,
/// how it reads it back, how it names a damaged config copy, and that a rollback leaves nothing.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ContainerEntryUnitTests : IDisposable
{
    private readonly string _root = Path.Join(Path.GetTempPath(), $"ocirun-test-root-{Guid.NewGuid():N}");
    private readonly StateStore _store;

    public ContainerEntryUnitTests() => _store = new StateStore(_root);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, true);
    }

    private static Spec Config() =>
        OciJson.ParseSpec("""{"ociVersion":"1.3.0","root":{"path":"rootfs"},"process":{"args":["true"],"cwd":"/"},"hooks":{"poststop":[{"path":"/bin/true"}]}}"""u8.ToArray());

    private ContainerRecord Record(string id) => new() { Id = id, Bundle = "/b", Rootfs = "/b/rootfs", Created = DateTimeOffset.UnixEpoch };

    [Fact]
    public void A_claim_saves_the_record_and_config_once_and_open_reads_them_back()
    {
        using (var c = Container.Claim(_store, "ocirun-test-a"))
        {
            c.SaveFirst(Record("ocirun-test-a"), Config());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(c.Dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_root));
        }
        using var opened = Container.Open(_store, "ocirun-test-a");
        Assert.Equal("/b", opened.Record.Bundle);
        // No pid yet and not complete: nothing of it can run.
        Assert.Equal(LifecycleStatus.Stopped, opened.Status);
        Assert.Equal("/bin/true", Assert.Single(opened.Config().Hooks!.Poststop!).Path);
        Assert.Same(opened.Config(), opened.Config());
    }

    [Fact]
    public void A_taken_id_is_refused_and_the_entry_left_alone()
    {
        using (var c = Container.Claim(_store, "ocirun-test-b")) c.SaveFirst(Record("ocirun-test-b"), Config());
        var e = Assert.ThrowsAny<RuntimeError>(() => Container.Claim(_store, "ocirun-test-b"));
        Assert.Contains("container \"ocirun-test-b\" already exists", e.Message);
        Assert.True(File.Exists(Path.Join(_root, "ocirun-test-b", "state.json")));
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("{\"ociVersion\":")]
    [InlineData("[]")]
    public void A_damaged_config_copy_is_an_error_naming_the_file(string content)
    {
        using (var c = Container.Claim(_store, "ocirun-test-c")) c.SaveFirst(Record("ocirun-test-c"), Config());
        string copy = Path.Join(_root, "ocirun-test-c", "config.json");
        if (content == "missing") File.Delete(copy);
        else File.WriteAllText(copy, content);
        using var opened = Container.Open(_store, "ocirun-test-c");
        var e = Assert.Throws<DamagedState>(() => opened.Config());
        Assert.Equal(Damage.Config, e.Damage);
        Assert.StartsWith($"container \"ocirun-test-c\": its config copy {copy} is damaged (", e.Message);
        // Only an absent copy reads as none: for an entry whose create was killed before writing it.
        if (content == "missing") Assert.Null(Container.ReadConfig(_store, "ocirun-test-c"));
        else Assert.Throws<DamagedState>(() => Container.ReadConfig(_store, "ocirun-test-c"));
    }

    [Fact]
    public void The_fifo_is_0622_and_removed_by_start()
    {
        using var c = Container.Claim(_store, "ocirun-test-d");
        c.SaveFirst(Record("ocirun-test-d"), Config());
        int fd = c.MakeFifo();
        try
        {
            var mode = File.GetUnixFileMode(c.FifoPath);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite, mode);
            Assert.Equal(Path.Join(_root, "ocirun-test-d", "exec.fifo"), c.FifoPath);
        }
        finally { Interop.Sys.Close(fd); }
        c.RemoveFifo();
        Assert.False(File.Exists(c.FifoPath));
    }

    [Fact]
    public void A_rollback_leaves_no_entry_and_the_id_free()
    {
        using (var c = Container.Claim(_store, "ocirun-test-e"))
        {
            c.SaveFirst(Record("ocirun-test-e"), Config());
            c.MakeFifo();
            c.Rollback(null, "/b/rootfs");
        }
        Assert.False(Path.Exists(Path.Join(_root, "ocirun-test-e")));
        Assert.Throws<ContainerNotFound>(() => Container.Open(_store, "ocirun-test-e"));
        using var again = Container.Claim(_store, "ocirun-test-e");
    }

    [Fact]
    public void Complete_records_the_pid_with_its_start_time()
    {
        using var c = Container.Claim(_store, "ocirun-test-f");
        c.SaveFirst(Record("ocirun-test-f"), Config());
        var rec = c.Complete(Environment.ProcessId);
        Assert.True(rec.Complete);
        Assert.Equal(Environment.ProcessId, rec.Pid);
        Assert.True(ProcStat.IsSameLiveProcess(rec.Pid, rec.PidStartTime));
        Assert.Equal(rec, Container.Open(_store, "ocirun-test-f").Record with { Annotations = rec.Annotations });
    }

    [Fact]
    public void The_pid_file_holds_the_number_alone()
    {
        string file = Path.Join(_root, "pid");
        Directory.CreateDirectory(_root);
        PidFile.Write(file, 4321);
        Assert.Equal("4321", File.ReadAllText(file));
        PidFile.Write(null, 1);
    }
}
