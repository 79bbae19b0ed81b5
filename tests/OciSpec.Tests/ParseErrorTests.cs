namespace OciSpec.Tests;

public class ParseErrorTests
{
    private static SpecFormatException Fail(string json) =>
        Assert.Throws<SpecFormatException>(() => OciJson.ParseSpec(Json.Utf8(json)));

    [Theory]
    [InlineData("")]
    [InlineData("  \n\t ")]
    public void EmptyDocument(string json)
    {
        SpecFormatException ex = Fail(json);
        Assert.Equal("config.json is empty", ex.Message);
        Assert.Equal("", ex.JsonPath);
    }

    [Fact]
    public void SyntaxErrorNamesTheLine()
    {
        SpecFormatException ex = Fail("{\n  \"ociVersion\": \"1.2.0\",\n  \"root\": {\"path\": \"r\" \n  \"x\": 1}\n}");
        Assert.StartsWith("config.json is not valid JSON: line 4: ", ex.Message);
        Assert.Equal(4, ex.Line);
        Assert.DoesNotContain("LineNumber", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void TruncatedDocument()
    {
        SpecFormatException ex = Fail("{\"ociVersion\": \"1.2.0\",\n\"process\": {");
        Assert.Equal("config.json is not valid JSON: line 2: unexpected end of input (an object or array is not closed)", ex.Message);
    }

    [Fact]
    public void TrailingCommaIsRejectedLikeGo()
    {
        Assert.Equal("config.json is not valid JSON: line 1: trailing comma is not allowed", Fail("{\"ociVersion\": \"1.2.0\",}").Message);
        Assert.Equal("config.json is not valid JSON: line 1: trailing comma is not allowed", Fail("{\"process\": {\"args\": [\"sh\",]}}").Message);
    }

    [Theory]
    [InlineData("{\"ociVersion\": \"1.2.0\" /* c */}")]                 // comment (Go rejects)
    [InlineData("{\"ociVersion\": \"1.2.0\"} {}")]                      // two documents
    [InlineData("{'ociVersion': '1.2.0'}")]                             // not JSON quotes
    public void NonStandardJsonIsRejected(string json)
    {
        Assert.StartsWith("config.json is not valid JSON: line 1: ", Fail(json).Message);
    }

    [Fact]
    public void WrongElementTypeNamesThePath()
    {
        SpecFormatException ex = Fail("""{"ociVersion":"1.2.0","process":{"cwd":"/","args":["sh", 1]}}""");
        Assert.Equal("process.args[1]: expected string, got number", ex.Message);
        Assert.Equal("process.args[1]", ex.JsonPath);
    }

    [Fact]
    public void WrongObjectTypeNamesThePath()
    {
        Assert.Equal("process: expected object, got array", Fail("""{"process":[]}""").Message);
        Assert.Equal("linux.namespaces: expected array, got object", Fail("""{"linux":{"namespaces":{}}}""").Message);
        Assert.Equal("root.readonly: expected boolean, got string", Fail("""{"root":{"path":"r","readonly":"yes"}}""").Message);
    }

    [Fact]
    public void NumberAsStringIsRejected()
    {
        Assert.Equal("process.user.uid: expected uint32, got string",
            Fail("""{"process":{"user":{"uid":"0","gid":0},"cwd":"/"}}""").Message);
    }

    [Theory]
    [InlineData("""{"process":{"user":{"uid":4294967296,"gid":0}}}""", "process.user.uid: 4294967296 is out of range for uint32")]
    [InlineData("""{"process":{"user":{"uid":-1,"gid":0}}}""", "process.user.uid: -1 is out of range for uint32")]
    [InlineData("""{"linux":{"uidMappings":[{"containerID":0,"hostID":0,"size":-5}]}}""", "linux.uidMappings[0].size: -5 is out of range for uint32")]
    [InlineData("""{"linux":{"resources":{"blockIO":{"weight":70000}}}}""", "linux.resources.blockIO.weight: 70000 is out of range for uint16")]
    [InlineData("""{"linux":{"resources":{"memory":{"limit":9223372036854775808}}}}""", "linux.resources.memory.limit: 9223372036854775808 is out of range for int64")]
    [InlineData("""{"process":{"rlimits":[{"type":"RLIMIT_NOFILE","hard":-1,"soft":0}]}}""", "process.rlimits[0].hard: -1 is out of range for uint64")]
    [InlineData("""{"process":{"user":{"uid":1.5,"gid":0}}}""", "process.user.uid: expected uint32, got 1.5")]
    public void NumbersOutOfRangeNameThePathAndValue(string json, string message)
    {
        Assert.Equal(message, Fail(json).Message);
    }

    [Fact]
    public void RlimitInfinityFits()
    {
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"process":{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}]}}"""));
        Assert.Equal(Rlimits.Infinity, spec.Process!.Rlimits![0].Hard);
    }

    [Fact]
    public void MapValuesNameTheKey()
    {
        Assert.Equal("annotations[\"a\"]: expected string, got number", Fail("""{"annotations":{"a":1}}""").Message);
        Assert.Equal("linux.resources.rdma[\"mlx5_1\"].hcaHandles: -1 is out of range for uint32",
            Fail("""{"linux":{"resources":{"rdma":{"mlx5_1":{"hcaHandles":-1}}}}}""").Message);
        Assert.Equal("linux.timeOffsets[\"boottime\"].secs: expected int64, got string",
            Fail("""{"linux":{"timeOffsets":{"boottime":{"secs":"1"}}}}""").Message);
        Assert.Equal("linux.sysctl[\"net.ipv4.ip_forward\"]: expected string, got boolean",
            Fail("""{"linux":{"sysctl":{"net.ipv4.ip_forward":true}}}""").Message);
    }

    [Fact]
    public void NullForRequiredStringIsAnError()
    {
        Assert.Equal("process.cwd: expected string, got null", Fail("""{"process":{"cwd":null}}""").Message);
    }

    [Fact]
    public void NullDocumentIsAnError()
    {
        Assert.Equal("config.json: expected object, got null", Fail("null").Message);
    }

    [Fact]
    public void TopLevelWrongType()
    {
        SpecFormatException ex = Fail("[1,2]");
        Assert.Equal("config.json: expected object, got array", ex.Message);
        Assert.Equal("", ex.JsonPath);
    }

    [Fact]
    public void OtherDocumentsUseTheirOwnName()
    {
        var ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseProcess(Json.Utf8("")));
        Assert.Equal("process.json is empty", ex.Message);
        ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseResources(Json.Utf8("""{"pids":{"limit":"x"}}"""), "--resources"));
        Assert.Equal("pids.limit: expected int64, got string", ex.Message);
        ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseState(Json.Utf8("{"), "/run/ocirun/c1/state.json"));
        Assert.StartsWith("/run/ocirun/c1/state.json is not valid JSON: line 1: ", ex.Message);
    }

    [Fact]
    public void ByteOrderMarkIsIgnored()
    {
        byte[] doc = [0xEF, 0xBB, 0xBF, .. Json.Utf8("""{"ociVersion":"1.2.0"}""")];
        Assert.Equal("1.2.0", OciJson.ParseSpec(doc).OciVersion);
    }

    [Fact]
    public void InvalidUtf8IsASyntaxError()
    {
        byte[] doc = [.. Json.Utf8("{\n\"hostname\": \"a"), 0xff, .. Json.Utf8("b\"}")];
        var ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseSpec(doc));
        Assert.Equal("config.json is not valid JSON: line 2: invalid UTF-8 in a string", ex.Message);
    }

    [Fact]
    public void LoneSurrogateEscapeIsNamed() =>
        Assert.Equal("hostname: invalid string value", Fail("""{"hostname":"\ud800"}""").Message);

    [Fact]
    public void TooDeepIsASyntaxError() =>
        Assert.StartsWith("config.json is not valid JSON: line 1: The maximum configured depth of 64 has been exceeded.",
            Fail(new string('[', 100) + new string(']', 100)).Message);

    [Fact]
    public void DuplicateKeysLastOneWinsLikeGo()
    {
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"hostname":"x","hostname":"y","annotations":{"a":"1","a":"2"}}"""));
        Assert.Equal("y", spec.Hostname);
        Assert.Equal("2", spec.Annotations!["a"]);
    }
}
