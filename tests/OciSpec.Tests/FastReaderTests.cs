using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OciSpec.Tests.TestData;

namespace OciSpec.Tests;

/// <summary>The hand-written reader (<see cref="FastReader"/>) against the serializer it stands in for: same result on
/// every valid document, and never a result where the serializer refuses the document.</summary>
public class FastReaderTests
{
    // ---- the corpus ----------------------------------------------------------------------------------------------

    /// <summary>Every field of the model at least once, with values near the edges of their types.</summary>
    private const string KitchenSink = """
        {"ociVersion":"1.2.1","hostname":"h","domainname":"d.example",
         "process":{"terminal":true,"consoleSize":{"height":24,"width":80},
           "user":{"uid":4294967295,"gid":0,"umask":18,"additionalGids":[0,4294967295],"username":"root"},
           "args":["sh","-c","echo \"hi\" \u00e9 \ud83d\ude00"],"commandLine":"cmd /c","env":["A=1",null],"cwd":"/",
           "capabilities":{"bounding":["CAP_KILL"],"effective":[],"inheritable":null,"permitted":["CAP_KILL"],"ambient":["CAP_KILL"]},
           "rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":0},null],
           "noNewPrivileges":true,"apparmorProfile":"p","oomScoreAdj":-1000,
           "scheduler":{"policy":"SCHED_DEADLINE","nice":-20,"priority":2147483647,"flags":["SCHED_FLAG_RESET_ON_FORK"],"runtime":1,"deadline":2,"period":3},
           "selinuxLabel":"l","ioPriority":{"class":"IOPRIO_CLASS_BE","priority":-2147483648},
           "execCPUAffinity":{"initial":"0","final":null}},
         "root":{"path":"rootfs","readonly":false},
         "mounts":[{"destination":"/m","type":"bind","source":"/s","options":["rbind","idmap"],
                    "uidMappings":[{"containerID":0,"hostID":100000,"size":65536}],"gidMappings":[]},null],
         "hooks":{"prestart":[{"path":"/p","args":["p"],"env":["E=1"],"timeout":-5}],"createRuntime":[],"createContainer":null,
                  "startContainer":[{"path":"/s","timeout":null}],"poststart":[{"path":"/ps"}],"poststop":[null]},
         "annotations":{"a":"1","b":null,"":"empty key","é":"x"},
         "linux":{"uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":null,
           "sysctl":{"net.ipv4.ip_forward":"1"},"cgroupsPath":"/c","rootfsPropagation":"rslave","mountLabel":"ml",
           "namespaces":[{"type":"pid"},{"type":"network","path":"/proc/1/ns/net"},{"type":"uts","path":null}],
           "devices":[{"path":"/dev/x","type":"c","major":-1,"minor":9223372036854775807,"fileMode":438,"uid":0,"gid":null}],
           "seccomp":{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":1,"architectures":["SCMP_ARCH_X86_64"],
             "flags":["SECCOMP_FILTER_FLAG_LOG"],"listenerPath":"/l","listenerMetadata":"md",
             "syscalls":[{"names":["read","write"],"action":"SCMP_ACT_ALLOW","errnoRet":null,
                          "args":[{"index":0,"value":18446744073709551615,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"}]},
                         {"names":null,"action":"SCMP_ACT_KILL","errnoRet":4294967295},null]},
           "maskedPaths":["/proc/kcore"],"readonlyPaths":[],
           "intelRdt":{"closID":"c","schemata":["L3:0=f"],"l3CacheSchema":"L3:0=ff","memBwSchema":null,
                       "enableMonitoring":false,"enableCMT":true,"enableMBM":true},
           "personality":{"domain":"LINUX32","flags":[]},
           "timeOffsets":{"boottime":{"secs":-9223372036854775808,"nanosecs":4294967295},"monotonic":{},"x":null},
           "memoryPolicy":{"mode":"MPOL_BIND","nodes":"0-1","flags":["MPOL_F_STATIC_NODES"]},
           "netDevices":{"eth0":{"name":"e0"},"eth1":{},"eth2":null},
           "resources":{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":null,"access":"r"},null],
             "memory":{"limit":-1,"reservation":0,"swap":9223372036854775807,"kernel":null,"kernelTCP":1,"swappiness":18446744073709551615,
                       "disableOOMKiller":false,"useHierarchy":null,"checkBeforeUpdate":true},
             "cpu":{"shares":1024,"quota":-1,"burst":0,"period":100000,"realtimeRuntime":-9223372036854775808,"realtimePeriod":null,
                    "cpus":"0-3","mems":"","idle":1},
             "pids":{"limit":0},
             "blockIO":{"weight":65535,"leafWeight":null,"weightDevice":[{"major":8,"minor":0,"weight":10,"leafWeight":null}],
                        "throttleReadBpsDevice":[{"major":8,"minor":0,"rate":18446744073709551615}],"throttleWriteBpsDevice":[],
                        "throttleReadIOPSDevice":null,"throttleWriteIOPSDevice":[{"major":-1,"minor":-1,"rate":0},null]},
             "hugepageLimits":[{"pageSize":"2MB","limit":0}],
             "network":{"classID":4294967295,"priorities":[{"name":"eth0","priority":0}]},
             "rdma":{"mlx5_1":{"hcaHandles":3,"hcaObjects":null},"x":null},
             "unified":{"memory.max":"max","io.weight":null}}},
         "solaris":{"milestone":"x"},"windows":null,"vm":[1,{"a":[]}],"x-extension":"ignored"}
        """;

    private static readonly string[] SmallSpecs =
    [
        "{}",
        """{"process":{}}""",
        """{"process":{"user":{}},"root":{},"linux":{"resources":{},"seccomp":{}},"hooks":{},"mounts":[{}]}""",
        """{"process":null,"root":null,"hostname":null,"mounts":null,"hooks":null,"annotations":null,"linux":null}""",
        """{"OciVersion":"1.2.0","Root":{"Path":"r"},"PROCESS":{"CWD":"/","USER":{"UID":1}}}""",
        """{"hostname":"x","hostname":"y","annotations":{"a":"1","b":"2","a":"3"},"root":{"path":"a"},"root":{"readonly":true}}""",
        """{"ociVersion":"1.0.0","root":{"path":"r"},"linux":{"resources":{"oomScoreAdj":100,"pids":{"limit":5}},"timeOffset":{"monotonicSecs":172800}}}""",
        """{"ociVersion":"1.2.0","windows":{"layerFolders":[]},"x-new":{"a":[1,2]},"root":{"path":"r"}}""",
        """{"process":{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}]}}""",
        // Names the serializer treats as metadata only with reference preservation or polymorphism (neither is on).
        """{"$id":"1","$ref":"x","$type":"t","$values":[],"hostname":"h","process":{"$id":"2","cwd":"/"},"annotations":{"$id":"3","$ref":"4"}}""",
    ];

    private static IEnumerable<(string Name, string Json)> SpecCorpus()
    {
        yield return ("ConfigMdFull", Examples.ConfigMdFull);
        yield return ("ConfigLinuxSnippets", Examples.ConfigLinuxSnippets);
        yield return ("runc-spec.json", Json.ReadTestData("runc-spec.json"));
        yield return ("runc-spec-rootless.json", Json.ReadTestData("runc-spec-rootless.json"));
        foreach (var (name, spec) in Templates())
        {
            yield return (name, Encoding.UTF8.GetString(OciJson.Serialize(spec)));
            yield return (name + " indented", Encoding.UTF8.GetString(OciJson.Serialize(spec, indented: true)));
        }
        yield return ("KitchenSink", KitchenSink);
        for (int i = 0; i < SmallSpecs.Length; i++)
            yield return ($"SmallSpecs[{i}]", SmallSpecs[i]);
    }

    private static IEnumerable<(string Name, Spec Spec)> Templates()
    {
        yield return ("Default", SpecTemplates.Default());
        yield return ("Rootless", SpecTemplates.Rootless());
        yield return ("RootlessIds", SpecTemplates.WithRootlessIds(SpecTemplates.Rootless(), 1000, 1001));
    }

    private static readonly string[] ProcessCorpus =
    [
        """{"user":{"uid":0,"gid":0},"args":["ls","-l"],"cwd":"/","env":["A=1"]}""",
        "{}",
    ];

    private static readonly string[] ResourcesCorpus =
    [
        """{"memory":{"limit":1048576,"swap":-1},"pids":{"limit":10},"cpu":{"cpus":"0"}}""",
        """{"pids":{}}""", """{"pids":{"limit":-1}}""", "{}",
    ];

    private static readonly string[] StateCorpus = [Examples.State, """{"ociVersion":"1.2.1","id":"c1","status":"stopped","bundle":"/b"}""", "{}"];

    private static readonly string[] ContainerProcessStateCorpus = [Examples.ContainerProcessState, "{}", """{"fds":[],"state":{}}"""];

    private static IEnumerable<string> ProcessDocs() =>
        ProcessCorpus.Concat(SpecCorpus().Select(d => Section(d.Json, "process")).OfType<string>());

    private static IEnumerable<string> ResourceDocs() =>
        ResourcesCorpus.Concat(SpecCorpus().Select(d => Section(d.Json, "linux", "resources")).OfType<string>());

    private static string? Section(string json, params string[] path)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement e = doc.RootElement;
        foreach (string p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
                return null;
        }
        return e.ValueKind == JsonValueKind.Object ? e.GetRawText() : null;
    }

    // ---- comparison ----------------------------------------------------------------------------------------------

    // The serializer leaves absent non-nullable members null (see FastReader's remarks), which the writing contexts
    // refuse to write; this copy writes them, so two results compare by their full JSON, nulls included.
    private static readonly JsonSerializerOptions Dump = new(OciJsonContext.Default.Options)
    {
        RespectNullableAnnotations = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string DumpOf<T>(T value) => JsonSerializer.Serialize(value, (JsonTypeInfo<T>)Dump.GetTypeInfo(typeof(T)));

    private static readonly JsonSerializerOptions CompactOptions = new(OciJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonSerializerOptions IndentedOptions = new(CompactOptions)
    {
        WriteIndented = true,
        IndentCharacter = '\t',
        IndentSize = 1,
    };

    /// <summary>The hand-written writer gives the serializer's bytes, or gives up exactly where the serializer throws.</summary>
    private static void CheckWrite(Spec spec, string what)
    {
        foreach (bool indented in new[] { false, true })
        {
            byte[]? expected;
            try { expected = JsonSerializer.SerializeToUtf8Bytes(spec, (JsonTypeInfo<Spec>)(indented ? IndentedOptions : CompactOptions).GetTypeInfo(typeof(Spec))); }
            catch (JsonException) { expected = null; }
            bool took = FastWriter.TryWrite(spec, indented, out byte[] actual);
            if (expected is null)
            {
                Assert.False(took, $"{what}: the fast writer wrote what the serializer refuses: {Encoding.UTF8.GetString(actual)}");
                continue;
            }
            Assert.True(took, $"{what}: the fast writer refused what the serializer writes: {Encoding.UTF8.GetString(expected)}");
            Assert.True(expected.AsSpan().SequenceEqual(actual),
                $"{what} (indented {indented}): bytes differ\nserializer: {Encoding.UTF8.GetString(expected)}\nfast:       {Encoding.UTF8.GetString(actual)}");
        }
    }

    private delegate bool FastTry<T>(ReadOnlySpan<byte> utf8, out T value);

    /// <summary>What OciJson's serializer path makes of the document: its result, or null when it refuses it.</summary>
    private static T? Slow<T>(byte[] utf8, JsonTypeInfo<T> info) where T : class
    {
        try { return JsonSerializer.Deserialize(utf8, info); }
        catch (JsonException) { return null; }
    }

    /// <summary>Check one document; returns whether the fast reader took it.</summary>
    private static bool Check<T>(byte[] utf8, JsonTypeInfo<T> info, FastTry<T> fast, bool mustTake, string what) where T : class
    {
        T? slow = Slow(utf8, info);
        bool took = fast(utf8, out T quick);
        if (took)
        {
            Assert.True(slow is not null, $"{what}: the fast reader accepted a document the serializer refuses:\n{Encoding.UTF8.GetString(utf8)}");
            string a = DumpOf(slow), b = DumpOf(quick);
            Assert.True(a == b, $"{what}: results differ\nserializer: {a}\nfast:       {b}\ndocument:   {Encoding.UTF8.GetString(utf8)}");
        }
        else if (mustTake && slow is not null)
        {
            Assert.Fail($"{what}: the fast reader refused a document the serializer accepts:\n{Encoding.UTF8.GetString(utf8)}");
        }
        return took;
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    [Fact]
    public void CorpusGivesTheSameResult()
    {
        foreach (var (name, json) in SpecCorpus())
        {
            Assert.True(Check(Json.Utf8(json), OciJsonContext.Default.Spec, FastReader.TryReadSpec, true, name), name);
            CheckWrite(Slow(Json.Utf8(json), OciJsonContext.Default.Spec)!, name);
        }
        foreach (var (name, spec) in Templates())
            CheckWrite(spec, name);
        foreach (string json in ProcessDocs())
            Assert.True(Check(Json.Utf8(json), OciJsonContext.Default.Process, FastReader.TryReadProcess, true, "process"), json);
        foreach (string json in ResourceDocs())
            Assert.True(Check(Json.Utf8(json), OciJsonContext.Default.LinuxResources, FastReader.TryReadResources, true, "resources"), json);
        foreach (string json in StateCorpus)
            Assert.True(Check(Json.Utf8(json), OciJsonContext.Default.State, FastReader.TryReadState, true, "state"), json);
        foreach (string json in ContainerProcessStateCorpus)
            Assert.True(Check(Json.Utf8(json), OciJsonContext.Default.ContainerProcessState, FastReader.TryReadContainerProcessState, true, "cps"), json);
    }

    [Theory]
    [InlineData("runc-spec.json")]
    [InlineData("runc-spec-rootless.json")]
    public void FastPathTakesRuncSpecOutput(string file)
    {
        byte[] utf8 = Json.Utf8(Json.ReadTestData(file));
        Assert.True(FastReader.TryReadSpec(utf8, out Spec spec));
        Assert.Equal(DumpOf(OciJson.ParseSpec(utf8)), DumpOf(spec));
    }

    [Fact]
    public void FastPathTakesTheTemplates()
    {
        foreach (var (name, spec) in Templates())
        {
            Assert.True(FastReader.TryReadSpec(OciJson.Serialize(spec), out Spec compact), name);
            Assert.True(FastReader.TryReadSpec(OciJson.Serialize(spec, indented: true), out Spec indented), name);
            Assert.Equal(DumpOf(spec), DumpOf(compact));
            Assert.Equal(DumpOf(spec), DumpOf(indented));
        }
    }

    [Fact]
    public void AbsentMembersAreLeftAtDefaultLikeTheSerializer()
    {
        // The generated code sets init-only members through one object initializer: absent ones get default(T),
        // not the record's initialiser. The fast reader must do the same (and the serializer must still do it).
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"process":{}}"""));
        Assert.Null(spec.OciVersion);
        Assert.Null(spec.Process!.User);
        Assert.Null(spec.Process.Cwd);
        Assert.Null(JsonSerializer.Deserialize("""{"process":{}}""", OciJsonContext.Default.Spec)!.Process!.User);
    }

    [Theory]
    [InlineData("""{"process":{"cwd":null}}""")]                          // null for a non-nullable string
    [InlineData("""{"process":{"user":null}}""")]                         // null for a non-nullable object
    [InlineData("""{"process":{"user":{"uid":-1}}}""")]                   // negative into unsigned
    [InlineData("""{"process":{"user":{"uid":4294967296}}}""")]           // out of range
    [InlineData("""{"process":{"user":{"uid":1.0}}}""")]                  // not an integer
    [InlineData("""{"process":{"user":{"uid":"1"}}}""")]                  // string for a number
    [InlineData("""{"process":{"user":{"additionalGids":[null]}}}""")]    // null in a list of numbers
    [InlineData("""{"root":{"readonly":null}}""")]                        // null for a bool
    [InlineData("""{"linux":{"resources":{"blockIO":{"weight":65536}}}}""")]
    [InlineData("""{"linux":{"namespaces":{}}}""")]
    [InlineData("""{"annotations":[]}""")]
    [InlineData("""{"hostname":"\ud800"}""")]                            // lone surrogate
    [InlineData("""{"hostname":1}""")]
    [InlineData("""{"hooks":{"poststop":[1]}}""")]
    [InlineData("null")]
    [InlineData("[]")]
    public void FastReaderRefusesWhatTheSerializerRefuses(string json)
    {
        Assert.False(FastReader.TryReadSpec(Json.Utf8(json), out _));
        Assert.Null(Slow(Json.Utf8(json), OciJsonContext.Default.Spec));
    }

    [Fact]
    public void EscapedOrNonAsciiPropertyNamesAreLeftToTheSerializer()
    {
        // Same result either way; the fast reader just does not try.
        Assert.False(FastReader.TryReadSpec(Json.Utf8("""{"host\u006eame":"x"}"""), out _));
        Assert.Equal("x", OciJson.ParseSpec(Json.Utf8("""{"host\u006eame":"x"}""")).Hostname);
        Assert.False(FastReader.TryReadSpec(Json.Utf8("""{"hostnäme":"x"}"""), out _));
        // Map keys are data, read as they are.
        Assert.True(FastReader.TryReadSpec(Json.Utf8("""{"annotations":{"\u00e9\n":"x"}}"""), out Spec s));
        Assert.Equal("x", s.Annotations!["é\n"]);
    }

    [Fact]
    public void WriterOmitsNullsInNonNullableMembersLikeTheSerializer()
    {
        // Absent non-nullable members are null after a parse; the serializer omits them (WhenWritingNull first).
        Spec spec = OciJson.ParseSpec(Json.Utf8("""{"process":{}}"""));
        Assert.Equal("""{"process":{}}""", Encoding.UTF8.GetString(OciJson.Serialize(spec)));
        CheckWrite(spec, "absent members");
        Assert.True(FastWriter.TryWrite(SpecTemplates.Default(), false, out byte[] utf8));
        Assert.Equal(JsonSerializer.SerializeToUtf8Bytes(SpecTemplates.Default(), (JsonTypeInfo<Spec>)CompactOptions.GetTypeInfo(typeof(Spec))), utf8);
    }

    [Fact]
    public void ErrorsStillComeFromTheSerializerPath()
    {
        var ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseSpec(Json.Utf8("""{"process":{"user":{"uid":-1}}}""")));
        Assert.Equal("process.user.uid: -1 is out of range for uint32", ex.Message);
        ex = Assert.Throws<SpecFormatException>(() => OciJson.ParseProcess(Json.Utf8("""{"args":["a",1]}""")));
        Assert.Equal("args[1]: expected string, got number", ex.Message);
    }

    // ---- random mutations ----------------------------------------------------------------------------------------

    [Fact]
    public void MutatedSpecsAgreeWithTheSerializer()
    {
        var rng = new Random(20261123);
        (string Name, string Json)[] corpus = [.. SpecCorpus()];
        int took = 0, total = 0;
        for (int round = 0; round < 150; round++)
        {
            foreach (var (name, json) in corpus)
            {
                var m = new Mutator(rng, JsonDocument.Parse(json).RootElement);
                byte[] doc = m.Mutate();
                total++;
                if (Check(doc, OciJsonContext.Default.Spec, FastReader.TryReadSpec, !m.OddNames, $"{name} round {round}"))
                    took++;
                if (Slow(doc, OciJsonContext.Default.Spec) is { } parsed)
                    CheckWrite(parsed, $"{name} round {round}");
            }
        }
        // Mutations that keep the document valid must not all be refused; most are (one changed value rarely fits).
        Assert.True(took > total / 10, $"fast reader took only {took} of {total}");
    }

    [Fact]
    public void MutatedSmallDocumentsAgreeWithTheSerializer()
    {
        var rng = new Random(7);
        int total = 0;
        for (int round = 0; round < 80; round++)
        {
            foreach (string json in ProcessDocs())
            {
                var m = new Mutator(rng, JsonDocument.Parse(json).RootElement);
                Check(m.Mutate(), OciJsonContext.Default.Process, FastReader.TryReadProcess, !m.OddNames, "process");
                total++;
            }
            foreach (string json in ResourceDocs())
            {
                var m = new Mutator(rng, JsonDocument.Parse(json).RootElement);
                Check(m.Mutate(), OciJsonContext.Default.LinuxResources, FastReader.TryReadResources, !m.OddNames, "resources");
                total++;
            }
            foreach (string json in StateCorpus)
            {
                var m = new Mutator(rng, JsonDocument.Parse(json).RootElement);
                Check(m.Mutate(), OciJsonContext.Default.State, FastReader.TryReadState, !m.OddNames, "state");
                total++;
            }
            foreach (string json in ContainerProcessStateCorpus)
            {
                var m = new Mutator(rng, JsonDocument.Parse(json).RootElement);
                Check(m.Mutate(), OciJsonContext.Default.ContainerProcessState, FastReader.TryReadContainerProcessState, !m.OddNames, "cps");
                total++;
            }
        }
        Assert.True(total > 2000, $"{total} mutations");
    }

    /// <summary>Rewrites a document as text, changing a few randomly chosen places: values replaced by other kinds or
    /// by numbers at the edges of the integer types, properties dropped, repeated, renamed in another case, escaped,
    /// spelled with non-ASCII look-alikes, unknown properties added, array elements dropped, repeated or nulled.</summary>
    private sealed class Mutator(Random rng, JsonElement root)
    {
        private static readonly string[] Numbers =
        [
            "0", "1", "-1", "-0", "255", "256", "65535", "65536", "-32768", "2147483647", "2147483648", "-2147483648",
            "-2147483649", "4294967295", "4294967296", "9223372036854775807", "9223372036854775808",
            "-9223372036854775808", "-9223372036854775809", "18446744073709551615", "18446744073709551616",
            "1.5", "1.0", "0.0", "1e3", "1E2", "-1e-2", "100000000000000000000000000000",
        ];

        private static readonly string[] Others =
        [
            "null", "true", "false", "\"\"", "\"x\"", "\"1\"", "\"\\u00e9\\n\"", "\"\\ud800\"", "{}", "[]", "[null]", "[\"s\"]",
            "[1]", "{\"k\":\"v\"}", "{\"k\":null}", "{\"k\":1}", "[{}]", "[[]]",
        ];

        private readonly StringBuilder _sb = new();
        private double _p;

        /// <summary>The document has an escaped or non-ASCII property name (the fast reader may leave it to the serializer).</summary>
        public bool OddNames { get; private set; }

        public byte[] Mutate()
        {
            int nodes = Count(root);
            _p = (1 + rng.Next(3)) / (double)Math.Max(nodes, 1);
            Write(root);
            return Encoding.UTF8.GetBytes(_sb.ToString());
        }

        private static int Count(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => 1 + e.EnumerateObject().Sum(p => Count(p.Value)),
            JsonValueKind.Array => 1 + e.EnumerateArray().Sum(Count),
            _ => 1,
        };

        private bool Hit() => rng.NextDouble() < _p;

        private void Write(JsonElement e)
        {
            if (Hit())
            {
                switch (rng.Next(4))
                {
                    case 0: _sb.Append(Numbers[rng.Next(Numbers.Length)]); return;
                    case 1: _sb.Append(Others[rng.Next(Others.Length)]); return;
                    case 2 when e.ValueKind == JsonValueKind.Number:
                        _sb.Append(Numbers[rng.Next(Numbers.Length)]); return;
                    default: break; // structural changes below
                }
            }
            switch (e.ValueKind)
            {
                case JsonValueKind.Object: WriteObject(e); break;
                case JsonValueKind.Array: WriteArray(e); break;
                default: _sb.Append(e.GetRawText()); break;
            }
        }

        private void WriteObject(JsonElement e)
        {
            _sb.Append('{');
            bool first = true;
            void Sep() { if (!first) _sb.Append(','); first = false; }
            foreach (JsonProperty p in e.EnumerateObject())
            {
                if (Hit())
                {
                    switch (rng.Next(7))
                    {
                        case 0: continue; // drop
                        case 1: // repeat, the second time with another value
                            Sep(); Name(p.Name); Write(p.Value);
                            Sep(); Name(p.Name); _sb.Append(Others[rng.Next(Others.Length)]);
                            if (rng.Next(2) == 0) { Sep(); Name(p.Name); Write(p.Value); }
                            continue;
                        case 2: // another case
                            Sep(); Name(rng.Next(2) == 0 ? p.Name.ToUpperInvariant() : RandomCase(p.Name)); Write(p.Value);
                            continue;
                        case 3: // escaped
                            Sep(); OddNames = true; RawName(Escape(p.Name)); Write(p.Value);
                            continue;
                        case 4: // non-ASCII look-alikes (dotless i, long s, Kelvin sign)
                            Sep(); OddNames = true;
                            Name(p.Name.Replace('i', '\u0131').Replace('s', '\u017f').Replace('k', '\u212a').Replace('K', '\u212a'));
                            Write(p.Value);
                            continue;
                        case 5: // unknown property before it
                            Sep(); Name("x-" + p.Name); _sb.Append(Others[rng.Next(Others.Length)]);
                            break;
                        default: break;
                    }
                }
                Sep();
                Name(p.Name);
                Write(p.Value);
            }
            _sb.Append('}');
        }

        private void WriteArray(JsonElement e)
        {
            _sb.Append('[');
            bool first = true;
            void Sep() { if (!first) _sb.Append(','); first = false; }
            foreach (JsonElement item in e.EnumerateArray())
            {
                if (Hit())
                {
                    switch (rng.Next(3))
                    {
                        case 0: continue;
                        case 1: Sep(); _sb.Append("null"); break;
                        default: Sep(); Write(item); break;
                    }
                }
                Sep();
                Write(item);
            }
            _sb.Append(']');
        }

        private void Name(string name)
        {
            if (name.Any(c => c >= 0x80)) OddNames = true;
            RawName(JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString());
        }

        private void RawName(string encoded) => _sb.Append('"').Append(encoded).Append("\":");

        private string RandomCase(string s) =>
            string.Concat(s.Select(c => rng.Next(2) == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c)));

        private string Escape(string s) =>
            string.Concat(s.Select((c, i) => i == 0 || rng.Next(3) == 0 ? $"\\u{(int)c:x4}" : c.ToString()));
    }
}
