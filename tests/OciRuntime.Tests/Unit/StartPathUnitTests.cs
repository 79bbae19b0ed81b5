using OciRuntime.Launch;
using OciRuntime.Security;
using OciRuntime.State;
using OciSpec;
using Seccomp;

namespace OciRuntime.Tests.Unit;

/// <summary>What replaces work on the start path and in list: the seccomp cache under --root, raw reads of small
/// files, paths relative to the opened root.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StartPathUnitTests
{
    private static CompiledFilter Filter() =>
        new([new SockFilter(0x20, 0, 0, 4), new SockFilter(0x06, 0, 0, 0x7fff0000)], 3, ["fly", "hover"], true);

    [Fact]
    public void A_cache_entry_answers_only_its_own_key()
    {
        byte[] key = "identity\nprofile"u8.ToArray();
        byte[] entry = SeccompCache.Encode(key, Filter());
        var hit = SeccompCache.Decode(entry, key);
        Assert.NotNull(hit);
        Assert.Equal(Filter().Program, hit!.Program);
        Assert.Equal(3u, hit.FilterFlags);
        Assert.True(hit.UsesNotify);
        Assert.Equal(["fly", "hover"], hit.SkippedSyscalls);
        // Another key with the same length (as a hash collision would be), a shorter entry, one byte too many.
        Assert.Null(SeccompCache.Decode(entry, "identity\nprofilf"u8));
        Assert.Null(SeccompCache.Decode(entry.AsSpan(0, entry.Length - 3), key));
        Assert.Null(SeccompCache.Decode([.. entry, 0], key));
    }

    [Fact]
    public void The_cache_key_changes_with_the_profile()
    {
        var a = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new LinuxSyscall { Names = ["mkdir"], Action = "SCMP_ACT_ERRNO" }] };
        var b = a with { Syscalls = [new LinuxSyscall { Names = ["mkdirat"], Action = "SCMP_ACT_ERRNO" }] };
        Assert.Equal(SeccompCache.Key(a), SeccompCache.Key(a));
        Assert.NotEqual(SeccompCache.Key(a), SeccompCache.Key(b));
        Assert.NotEqual(SeccompCache.Fnv1a64(SeccompCache.Key(a)), SeccompCache.Fnv1a64(SeccompCache.Key(b)));
    }

    [Fact]
    public void A_second_compile_of_the_same_profile_comes_from_the_cache()
    {
        string root = Path.Join(Path.GetTempPath(), $"ocirun-test-cache-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        try
        {
            var profile = new LinuxSeccomp { DefaultAction = "SCMP_ACT_ALLOW", Syscalls = [new LinuxSyscall { Names = ["mkdir"], Action = "SCMP_ACT_ERRNO" }] };
            var cache = new SeccompCache(root);
            int compiles = 0;
            CompiledFilter Compile() { compiles++; return Filter(); }
            var first = cache.GetOrCompile(profile, Compile);
            var second = cache.GetOrCompile(profile, Compile);
            Assert.Equal(1, compiles);
            Assert.Equal(first.Program, second.Program);
            var dir = Path.Join(root, SeccompCache.DirName);
            Assert.Single(Directory.GetFiles(dir));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
            // A damaged entry is a miss and is replaced.
            File.WriteAllBytes(Directory.GetFiles(dir)[0], [1, 2, 3]);
            cache.GetOrCompile(profile, Compile);
            Assert.Equal(2, compiles);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Fact]
    public void State_json_is_the_document_the_serializer_wrote()
    {
        var record = new ContainerRecord
        {
            Id = "c1", Pid = 4242, PidStartTime = 123456789012UL, Bundle = "/b \"q\"", Rootfs = "/b/rootfs",
            Created = new DateTimeOffset(2026, 12, 6, 3, 4, 5, 678, TimeSpan.Zero), Owner = "root",
            Annotations = new() { ["a"] = "1", ["é"] = "ü" }, CgroupPath = "/ocirun-test/c1", Complete = true, UseInit = true,
        };
        var options = new System.Text.Json.JsonSerializerOptions
        {
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        foreach (var r in new[] { record, record with { Annotations = null, CgroupPath = null, Complete = false } })
        {
            byte[] ours = ContainerRecordJson.Write(r);
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(r, options), System.Text.Encoding.UTF8.GetString(ours));
            var back = ContainerRecordJson.Read(ours)!;
            Assert.Equal(r with { Annotations = null }, back with { Annotations = null });
            Assert.Equal(r.Annotations, back.Annotations);
        }
        Assert.Null(ContainerRecordJson.Read("null"u8));
        foreach (var bad in new[] { "", "[]", "{\"id\":1}", "{\"id\":\"x\"}", "{\"id\":\"x\",\"bundle\":\"b\",\"rootfs\":\"r\"} {}", "{\"id\":\"x\",", "{\"pid\":true}" })
            Assert.ThrowsAny<System.Text.Json.JsonException>(() => ContainerRecordJson.Read(System.Text.Encoding.UTF8.GetBytes(bad)));
    }

    [Fact]
    public void State_output_is_the_document_the_serializer_wrote()
    {
        var options = new System.Text.Json.JsonSerializerOptions
        {
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        var full = new StateView
        {
            OciVersion = "1.2.1", Id = "c1", Pid = 42, Status = "running", Bundle = "/b", Rootfs = "/b/rootfs",
            Created = new DateTimeOffset(2026, 12, 6, 3, 4, 5, 678, TimeSpan.Zero), Owner = "root",
            Annotations = new() { ["k"] = "v \"q\"" },
        };
        var bare = new StateView { OciVersion = "1.2.1", Id = "c2", Status = "stopped", Bundle = "" };
        foreach (var v in new[] { full, bare })
        {
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(v, new System.Text.Json.JsonSerializerOptions(options) { WriteIndented = true }),
                StateViewJson.Format(v, indented: true));
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(v, options), StateViewJson.Format(v, indented: false));
        }
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(new List<StateView> { full, bare }, options), StateViewJson.Format([full, bare]));
        Assert.Equal("[]", StateViewJson.Format([]));
    }

    [Fact]
    public void Proc_stat_gives_the_parent_as_status_does()
    {
        int want = int.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("PPid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1].Trim());
        Assert.True(ProcStat.TryRead(Environment.ProcessId, out char state, out ulong start, out int parent));
        Assert.Equal(want, parent);
        Assert.True(start > 0);
        Assert.NotEqual('Z', state);
        Assert.False(ProcStat.TryRead(int.MaxValue, out _, out _, out _));
    }

    /// <summary>cgroup files are read into a stack buffer first: a file that fills it (cgroup.procs of a busy
    /// container) must still come back whole, and one that does not, exactly.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(3000)]
    [InlineData(3700)]
    [InlineData(4096)]
    [InlineData(50_000)]
    public void A_cgroup_file_is_read_whole_whatever_its_size(int size)
    {
        string dir = Directory.CreateTempSubdirectory("ocirun-test-").FullName;
        try
        {
            var text = string.Concat(Enumerable.Range(0, size / 6 + 1).Select(n => $"{n % 100000,5}\n"))[..size];
            File.WriteAllText(Path.Join(dir, "cgroup.procs"), text);
            Assert.Equal(text, OciRuntime.Cgroups.CgroupFs.TryRead(dir, "cgroup.procs"));
            Assert.Null(OciRuntime.Cgroups.CgroupFs.TryRead(dir, "missing"));
        }
        finally { Directory.Delete(dir, true); }
    }

    /// <summary>list opens each container's files relative to the opened root; a missing root still lists nothing.</summary>
    [Fact]
    public void Paths_relative_to_the_opened_root_name_the_same_files()
    {
        string root = Directory.CreateTempSubdirectory("ocirun-test-").FullName;
        try
        {
            var store = new StateStore(root);
            int fd = store.OpenRoot();
            Assert.True(fd >= 0);
            try
            {
                Assert.Equal("c1/state.json", store.PathOf("c1", StateStore.StateFile, fd));
                Assert.Equal(Path.Join(root, "c1", "state.json"), store.PathOf("c1", StateStore.StateFile, -1));
                Assert.Throws<ContainerNotFound>(() => store.Load("c1", fd));
            }
            finally { OciRuntime.Interop.Sys.Close(fd); }
            Assert.Equal(-1, new StateStore(Path.Join(root, "none")).OpenRoot());
        }
        finally { Directory.Delete(root, true); }
    }
}
