using System.Text;
using OciSpec.Tests.TestData;

namespace OciSpec.Tests;

public class RoundTripTests
{
    [Theory]
    [InlineData(nameof(Examples.ConfigMdFull))]
    [InlineData(nameof(Examples.ConfigLinuxSnippets))]
    public void SpecExamplesRoundTrip(string name)
    {
        string json = name == nameof(Examples.ConfigMdFull) ? Examples.ConfigMdFull : Examples.ConfigLinuxSnippets;
        Spec spec = OciJson.ParseSpec(Json.Utf8(json));
        Json.AssertEquivalent(json, OciJson.Serialize(spec));
        Json.AssertEquivalent(json, OciJson.Serialize(spec, indented: true));
    }

    [Fact]
    public void ConfigLinuxSnippetsReadIntoTheRightProperties()
    {
        Spec spec = OciJson.ParseSpec(Json.Utf8(Examples.ConfigLinuxSnippets));
        Linux linux = spec.Linux!;
        Assert.Equal("/proc/1234/ns/pid", linux.Namespaces![0].Path);
        Assert.Equal(32000u, linux.UidMappings![0].Size);
        Assert.Equal(12u, linux.TimeOffsets!["boottime"].Nanosecs);
        Assert.Equal(1000000ul, linux.Resources!.CPU!.Burst);
        Assert.Equal((ushort)300, linux.Resources.BlockIO!.WeightDevice![0].LeafWeight);
        Assert.Equal(1048577u, linux.Resources.Network!.ClassID);
        Assert.Equal(3u, linux.Resources.Rdma!["mlx5_1"].HcaHandles);
        Assert.Equal("1073741824", linux.Resources.Unified!["hugetlb.1GB.max"]);
        Assert.True(linux.Resources.Memory!.CheckBeforeUpdate);
        Assert.Equal("MB:0=20;1=70", linux.IntelRdt!.MemBwSchema);
        Assert.Equal(3, linux.IntelRdt.Schemata!.Count);
        Assert.True(linux.IntelRdt.EnableMonitoring);
        Assert.Equal("eth0", linux.NetDevices!["eth1"].Name);
        Assert.Null(linux.NetDevices["ens4"].Name);
        Assert.Equal("MPOL_INTERLEAVE", linux.MemoryPolicy!.Mode);
        Assert.Equal(438u, linux.Devices![0].FileMode);
        Process p = spec.Process!;
        Assert.Equal(80u, p.ConsoleSize!.Width);
        Assert.Equal(18u, p.User.Umask);
        Assert.Equal(20000000ul, p.Scheduler!.Deadline);
        Assert.Equal("IOPRIO_CLASS_IDLE", p.IoPriority!.Class);
        Assert.Equal("0-3,7", p.ExecCPUAffinity!.Final);
        Assert.Equal(["CAP_NET_BIND_SERVICE"], p.Capabilities!.Ambient!);
    }

    [Theory]
    [InlineData("runc-spec.json")]
    [InlineData("runc-spec-rootless.json")]
    public void RuncSpecOutputRoundTripsByteForByte(string file)
    {
        // Go's json.MarshalIndent(spec, "", "\t") and our indented writer agree on layout and field order.
        string json = Json.ReadTestData(file);
        Spec spec = OciJson.ParseSpec(Json.Utf8(json));
        Assert.Equal(json, Encoding.UTF8.GetString(OciJson.Serialize(spec, indented: true)));
    }

    [Fact]
    public void SpecExamplesValidate()
    {
        Assert.Empty(SpecValidator.Validate(OciJson.ParseSpec(Json.Utf8(Examples.ConfigLinuxSnippets))));
        // The config.md example predates 1.0 ("0.5.0-dev"); apart from its version it is a valid config.
        Spec old = OciJson.ParseSpec(Json.Utf8(Examples.ConfigMdFull));
        Assert.Equal(["ociVersion: unsupported version \"0.5.0-dev\": this runtime implements 1.x"],
            SpecValidator.Validate(old).Select(e => e.ToString()));
        Assert.Empty(SpecValidator.Validate(old with { OciVersion = "1.0.0" }));
    }

    [Theory]
    [InlineData("runc-spec.json")]
    [InlineData("runc-spec-rootless.json")]
    public void RuncSpecOutputValidates(string file)
    {
        Spec spec = OciJson.ParseSpec(Json.Utf8(Json.ReadTestData(file)));
        Assert.Empty(SpecValidator.Validate(spec));
    }

    [Fact]
    public void StateRoundTrips()
    {
        State state = OciJson.ParseState(Json.Utf8(Examples.State));
        Assert.Equal(ContainerStatus.Running, state.Status);
        Assert.Equal(4422, state.Pid);
        Json.AssertEquivalent(Examples.State, OciJson.Serialize(state));
    }

    [Fact]
    public void StateWithoutPidOmitsIt()
    {
        var state = new State { OciVersion = "1.2.1", Id = "c1", Status = ContainerStatus.Stopped, Bundle = "/b" };
        Json.AssertEquivalent("""{"ociVersion":"1.2.1","id":"c1","status":"stopped","bundle":"/b"}""", OciJson.Serialize(state));
    }

    [Fact]
    public void StateListSerializes()
    {
        var list = new List<State> { new() { OciVersion = "1.2.1", Id = "a", Status = "created", Pid = 7, Bundle = "/a" } };
        Json.AssertEquivalent("""[{"ociVersion":"1.2.1","id":"a","status":"created","pid":7,"bundle":"/a"}]""", OciJson.Serialize(list));
    }

    [Fact]
    public void RuncStateShapeRoundTrips()
    {
        // As `runc state` prints it (Go time in RFC 3339 with nanoseconds).
        const string runc = """
            {"ociVersion":"1.0.2-dev","id":"c1","pid":0,"status":"stopped","bundle":"/b","rootfs":"/b/rootfs",
             "created":"2024-05-01T10:20:30.123456789Z","owner":""}
            """;
        RuncContainerState s = OciJson.ParseRuncContainerState(Json.Utf8(runc));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 20, 30, TimeSpan.Zero).AddTicks(1234567), s.Created);
        string back = System.Text.Encoding.UTF8.GetString(OciJson.Serialize([s]));
        Assert.Contains("\"pid\":0", back);
        Assert.Contains("\"created\":\"2024-05-01T10:20:30.1234567+00:00\"", back);
    }

    [Fact]
    public void ContainerProcessStateRoundTrips()
    {
        ContainerProcessState cps = OciJson.ParseContainerProcessState(Json.Utf8(Examples.ContainerProcessState));
        Assert.Equal([ContainerProcessState.SeccompFdName], cps.Fds);
        Assert.Equal("oci-container1", cps.State.Id);
        Json.AssertEquivalent(Examples.ContainerProcessState, OciJson.Serialize(cps));
    }

    [Fact]
    public void FeaturesRoundTrip()
    {
        Features f = OciJson.ParseFeatures(Json.Utf8(Examples.Features));
        Assert.True(f.Linux!.MountExtensions!.IDMap!.Enabled);
        Assert.Equal(41, f.Linux.Capabilities!.Count);
        Assert.True(f.Linux.IntelRdt!.Monitoring);
        Assert.Equal(7, f.Linux.MemoryPolicy!.Modes!.Count);
        Json.AssertEquivalent(Examples.Features, OciJson.Serialize(f));
        Json.AssertEquivalent(Examples.Features, OciJson.Serialize(f, indented: true));
    }

    [Fact]
    public void ProcessAndResourcesDocumentsRoundTrip()
    {
        const string process = """{"user":{"uid":0,"gid":0},"args":["ls","-l"],"cwd":"/","env":["A=1"]}""";
        Json.AssertEquivalent(process, OciJson.Serialize(OciJson.ParseProcess(Json.Utf8(process))));
        const string resources = """{"memory":{"limit":1048576,"swap":-1},"pids":{"limit":10},"cpu":{"cpus":"0"}}""";
        Json.AssertEquivalent(resources, OciJson.Serialize(OciJson.ParseResources(Json.Utf8(resources))));
    }

    [Fact]
    public void PidsLimitDistinguishesAbsentFromZero()
    {
        // runtime-spec 1.3: the limit is optional and 0 is a real limit.
        Assert.Null(OciJson.ParseResources(Json.Utf8("""{"pids":{}}""")).Pids!.Limit);
        Assert.Equal(0, OciJson.ParseResources(Json.Utf8("""{"pids":{"limit":0}}""")).Pids!.Limit);
        Assert.Equal(-1, OciJson.ParseResources(Json.Utf8("""{"pids":{"limit":-1}}""")).Pids!.Limit);
    }

    [Fact]
    public void UnknownPropertiesAreIgnored()
    {
        // config.md "Extensibility": runtimes MUST ignore unknown properties.
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"ociVersion":"1.2.0","windows":{"layerFolders":[]},"x-new":{"a":[1,2]},"root":{"path":"r"}}"""));
        Assert.Equal("r", spec.Root!.Path);
    }

    [Fact]
    public void StaleFieldsOfTheSchemaExampleAreIgnored()
    {
        // schema/test/config/good/spec-example.json still carries these; neither is part of the model.
        Spec spec = OciJson.ParseSpec(Json.Utf8("""
            {"ociVersion":"1.0.0","root":{"path":"r"},
             "linux":{"resources":{"oomScoreAdj":100,"pids":{"limit":5}},
                      "timeOffset":{"monotonicSecs":172800,"monotonicNanosecs":0}}}
            """));
        Json.AssertEquivalent("""{"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"resources":{"pids":{"limit":5}}}}""",
            OciJson.Serialize(spec));
    }

    [Fact]
    public void PropertyNamesMatchCaseInsensitivelyLikeGo()
    {
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"OciVersion":"1.2.0","Root":{"Path":"r"}}"""));
        Assert.Equal("1.2.0", spec.OciVersion);
        Assert.Equal("r", spec.Root!.Path);
    }

    [Fact]
    public void FalseAndZeroOmitemptyFieldsAreNotWritten()
    {
        var spec = new Spec { OciVersion = "1.2.1", Root = new Root { Path = "rootfs" }, Process = new Process { Cwd = "/", Args = ["sh"] } };
        Json.AssertEquivalent("""{"ociVersion":"1.2.1","process":{"user":{"uid":0,"gid":0},"args":["sh"],"cwd":"/"},"root":{"path":"rootfs"}}""",
            OciJson.Serialize(spec));
    }

    [Fact]
    public void NonAsciiAndPlusAreWrittenReadably()
    {
        var spec = new Spec { OciVersion = "1.0.0+dev", Hostname = "héllo" };
        string json = Encoding.UTF8.GetString(OciJson.Serialize(spec));
        Assert.Contains("\"1.0.0+dev\"", json);
        Assert.Contains("héllo", json);
    }
}
