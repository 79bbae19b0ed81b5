using OciRuntime.Resctrl;
using OciSpec;

namespace OciRuntime.Tests.Unit;

/// <summary>linux.intelRdt against a fake resctrl tree (a temp directory laid out as /sys/fs/resctrl): which group is
/// made or joined, what schemata gets, where the pid goes, and what delete removes.</summary>
public sealed class IntelRdtUnitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocirun-test-resctrl-").FullName;
    private readonly string _state = Directory.CreateTempSubdirectory("ocirun-test-rdtstate-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_state, true);
    }

    // resctrl's rmdir takes a group with its files (and its mon_groups); a plain directory needs a recursive delete.
    private static void ResctrlRmdir(string dir) => Directory.Delete(dir, true);

    private string Read(params string[] parts) => File.ReadAllText(Path.Join([_root, .. parts]));

    [Fact]
    public void Without_closID_a_group_named_for_the_container_is_made_written_joined_and_removed()
    {
        var rdt = new LinuxIntelRdt { L3CacheSchema = "L3:0=7f0;1=1f", MemBwSchema = "MB:0=20;1=70" };
        new IntelRdt(_root, rdt, "ocirun-test-c1").Apply(4242, _state);
        Assert.Equal("L3:0=7f0;1=1f\nMB:0=20;1=70\n", Read("ocirun-test-c1", "schemata"));
        Assert.Equal("4242", Read("ocirun-test-c1", "tasks"));
        IntelRdt.Remove(_state, ResctrlRmdir);
        Assert.False(Directory.Exists(Path.Join(_root, "ocirun-test-c1")));
        Assert.False(File.Exists(Path.Join(_state, IntelRdt.MadeFile)));
    }

    [Fact]
    public void Schemata_lines_follow_the_two_schema_fields()
    {
        var rdt = new LinuxIntelRdt { ClosID = "g1", L3CacheSchema = "L3:0=ff", Schemata = ["L2:0=f", "MB:0=50"] };
        Assert.Equal(["L3:0=ff", "L2:0=f", "MB:0=50"], IntelRdt.SchemataLines(rdt));
        new IntelRdt(_root, rdt, "c2").Apply(7, _state);
        Assert.Equal("L3:0=ff\nL2:0=f\nMB:0=50\n", Read("g1", "schemata"));
        Assert.Equal("7", Read("g1", "tasks"));
    }

    [Fact]
    public void An_existing_closID_group_is_joined_and_left_at_delete()
    {
        Directory.CreateDirectory(Path.Join(_root, "guaranteed_group"));
        var rdt = new LinuxIntelRdt { ClosID = "guaranteed_group" };
        new IntelRdt(_root, rdt, "c3").Apply(99, _state);
        Assert.Equal("99", Read("guaranteed_group", "tasks"));
        Assert.False(File.Exists(Path.Join(_root, "guaranteed_group", "schemata")), "joined group's schemata was written");
        IntelRdt.Remove(_state, ResctrlRmdir);
        Assert.True(Directory.Exists(Path.Join(_root, "guaranteed_group")), "a group the container only joined was removed");
    }

    [Fact]
    public void A_closID_without_schemata_must_exist()
    {
        var e = Assert.Throws<RuntimeError>(() => new IntelRdt(_root, new LinuxIntelRdt { ClosID = "nosuch" }, "c4").Apply(1, _state));
        Assert.StartsWith("linux.intelRdt.closID: ", e.Message);
        Assert.False(Directory.Exists(Path.Join(_root, "nosuch")));
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void Monitoring_makes_a_mon_group_that_takes_the_pid_and_goes_at_delete(bool monitoring, bool cmt, bool mbm)
    {
        Directory.CreateDirectory(Path.Join(_root, "shared"));
        var rdt = new LinuxIntelRdt { ClosID = "shared", EnableMonitoring = monitoring, EnableCMT = cmt, EnableMBM = mbm };
        new IntelRdt(_root, rdt, "c5").Apply(123, _state);
        Assert.Equal("123", Read("shared", "mon_groups", "c5", "tasks"));
        Assert.False(File.Exists(Path.Join(_root, "shared", "tasks")), "the pid went to the control group, not the monitoring group");
        IntelRdt.Remove(_state, ResctrlRmdir);
        Assert.False(Directory.Exists(Path.Join(_root, "shared", "mon_groups", "c5")));
        Assert.True(Directory.Exists(Path.Join(_root, "shared")));
    }

    [Fact]
    public void Exec_joins_the_group_or_the_monitoring_group_and_fails_when_it_is_gone()
    {
        var plain = new IntelRdt(_root, new LinuxIntelRdt { MemBwSchema = "MB:0=10" }, "c7");
        plain.Apply(5, _state);
        plain.Join(6);
        Assert.Equal("56", Read("c7", "tasks")); // the fake tasks file keeps both writes
        var mon = new IntelRdt(_root, new LinuxIntelRdt { ClosID = "c7", EnableMonitoring = true }, "c8");
        mon.Apply(7, _state);
        mon.Join(8);
        Assert.Equal("78", Read("c7", "mon_groups", "c8", "tasks"));
        var e = Assert.Throws<RuntimeError>(() => new IntelRdt(_root, new LinuxIntelRdt(), "gone").Join(9));
        Assert.StartsWith("linux.intelRdt: ", e.Message);
    }

    [Fact]
    public void Apply_is_idempotent_for_the_same_child()
    {
        var a = new IntelRdt(_root, new LinuxIntelRdt { MemBwSchema = "MB:0=10" }, "c6");
        a.Apply(5, _state);
        a.Apply(5, _state);
        Assert.Equal("MB:0=10\n", Read("c6", "schemata"));
        Assert.Contains(Path.Join(_root, "c6"), File.ReadAllText(Path.Join(_state, IntelRdt.MadeFile)));
    }

    [Theory]
    [InlineData("""{"closID":"g","l3CacheSchema":"L3:0=7f0"}""", "linux.intelRdt.l3CacheSchema")]
    [InlineData("""{"memBwSchema":"MB:0=20"}""", "linux.intelRdt.memBwSchema")]
    [InlineData("""{"schemata":["L3:0=f"]}""", "linux.intelRdt.schemata")]
    [InlineData("""{"enableMonitoring":true}""", "linux.intelRdt.enableMonitoring")]
    [InlineData("""{"closID":"g"}""", "linux.intelRdt.closID")]
    [InlineData("""{}""", "linux.intelRdt")]
    public void Without_resctrl_the_first_field_set_is_named(string json, string field)
    {
        var rdt = OciJson.ParseSpec(System.Text.Encoding.UTF8.GetBytes("{\"linux\":{\"intelRdt\":" + json + "}}")).Linux!.IntelRdt!;
        var e = Assert.Throws<RuntimeError>(() => IntelRdt.Check(rdt, null));
        Assert.StartsWith(field + ": is specified in config, but Intel RDT is not enabled", e.Message);
        IntelRdt.Check(rdt, _root); // with a mount: no refusal
    }

    [Fact]
    public void The_mount_is_found_in_mountinfo()
    {
        string mi = Path.Join(_state, "mountinfo");
        File.WriteAllLines(mi, [
            "22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw",
            "99 22 0:50 / /sys/fs/resctrl rw,relatime shared:40 - resctrl resctrl rw,mba_MBps",
        ]);
        Assert.Equal("/sys/fs/resctrl", IntelRdt.FindMount(mi));
        File.WriteAllLines(mi, ["22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw"]);
        Assert.Null(IntelRdt.FindMount(mi));
    }
}
