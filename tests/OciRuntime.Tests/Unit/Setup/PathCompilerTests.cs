using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>
/// The path family's part of the setup program: which operations /dev, readonlyPaths and maskedPaths compile to, in
/// which order, with which field and step (the one-line error), and the zone routines that decide what depends on
/// the container's tree, run here against a directory standing in for a rootfs (no mount is made).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class PathCompilerTests : IDisposable
{
    private readonly SetupProgram _p = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("ocirun-test-path-").FullName;

    public void Dispose()
    {
        _p.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Spec SpecWith(string linuxFields, bool userNs = false, string? mounts = null)
    {
        string ns = userNs ? """[{"type":"mount"},{"type":"user"}]""" : """[{"type":"mount"}]""";
        string json = "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"],\"cwd\":\"/\"},\"root\":{\"path\":\"rootfs\"}," +
            "\"mounts\":" + (mounts ?? """[{"destination":"/dev","type":"tmpfs","source":"tmpfs"}]""") + "," +
            "\"linux\":{\"namespaces\":" + ns + (linuxFields.Length > 0 ? "," + linuxFields : "") + "}}";
        return SetupFixture.SpecOf(json);
    }

    private SetupContext Context(Spec spec, bool withRoot = true)
    {
        var c = SetupFixture.Context(_p, spec, procSlot: false);
        if (withRoot) c.RootSlot = _p.Slot("root", 100);
        return c;
    }

    /// <summary>Each operation as "field | step | call", the call without its slot numbers' names.</summary>
    private string[] Ops() => _p.Info.Select(i => $"{i.Field} | {i.Step} | {i.Call}").ToArray();

    private string[] Steps() => _p.Info.Select(i => i.Step).ToArray();

    [Fact]
    public void Dev_makes_the_defaults_under_one_dev_fd_with_umask_0_then_the_links()
    {
        PathCompiler.Dev(Context(SpecWith("")));
        var steps = Steps();
        string[] expected =
        [
            "create /dev in rootfs", "umask",
            .. new[] { "null", "zero", "full", "random", "urandom", "tty" }.SelectMany(d =>
                new[] { $"mknod /dev/{d}", $"replace /dev/{d}", $"mknod /dev/{d}", $"chown /dev/{d}" }),
            "umask", "symlink /dev/fd", "symlink /dev/stdin", "symlink /dev/stdout", "symlink /dev/stderr",
            .. File.Exists("/proc/kcore") ? new[] { "symlink /dev/core" } : [],
            "look up /dev/ptmx", "symlink /dev/ptmx", "close /dev",
        ];
        Assert.Equal(expected, steps);
        var ops = Ops();
        Assert.Equal(" | create /dev in rootfs | mount.0($0, \"dev\", 0, 493)", ops[0]); // MountRoutines.Resolve
        // null: char 1:3, mode 0666, made relative to the /dev fd (slot 1), replaced only if it existed.
        Assert.Equal(" | mknod /dev/null | mknodat($1, \"null\", 0x21b6, 259)", ops[2]);
        // SetupProgram's table of names has no unlinkat yet: --debug shows its number.
        Assert.Matches(@"^ \| replace /dev/null \| (unlinkat|syscall263)\(\$1, ""null"", 0\)$", ops[3]);
        Assert.Equal(" | chown /dev/null | fchownat($1, \"null\", 0, 0, 256)", ops[5]);
        string print = _p.Print();
        Assert.Contains("if $3 ", print);
        Assert.Contains("unless $", print);
        Assert.Contains("symlinkat(\"pts/ptmx\", $1, \"ptmx\")", print);
        Assert.Contains("symlinkat(\"/proc/self/fd\", $1, \"fd\")", print);
    }

    [Fact]
    public void Config_devices_replace_defaults_and_name_their_field()
    {
        PathCompiler.Dev(Context(SpecWith("""
            "devices":[{"path":"/dev/null","type":"c","major":1,"minor":3,"fileMode":384,"uid":0,"gid":0},
                       {"path":"/dev/sub/dir/nested","type":"b","major":7,"minor":200,"fileMode":416,"uid":5,"gid":6},
                       {"path":"/dev/fifo","type":"p","major":0,"minor":0}]
            """)));
        var ops = Ops();
        // The default null is left to the config; the config's come after the defaults, in its order.
        Assert.DoesNotContain(ops, o => o.StartsWith(" | mknod /dev/null", StringComparison.Ordinal));
        Assert.Contains("linux.devices[0] | mknod /dev/null | mknodat($1, \"null\", 0x2180, 259)", ops); // 0600 char 1:3
        int dir = Array.FindIndex(ops, o => o.StartsWith("linux.devices[1] | create /dev/sub/dir in rootfs | mount.0($0, \"dev/sub/dir\", 0, 493)", StringComparison.Ordinal));
        Assert.True(dir > 0, string.Join('\n', ops));
        // block 7:200 (0x6000 | 0640), relative to the new directory's fd, then its owner, then that fd closed.
        Assert.Matches(@"^linux\.devices\[1\] \| mknod /dev/sub/dir/nested \| mknodat\(\$(\d+), ""nested"", 0x61a0, 1992\)$", ops[dir + 1]);
        Assert.Contains("linux.devices[1] | chown /dev/sub/dir/nested", ops[dir + 4]);
        Assert.Contains(", 5, 6, 256)", ops[dir + 4]);
        Assert.StartsWith("linux.devices[1] | close | close($", ops[dir + 5]);
        Assert.Contains("linux.devices[2] | mknod /dev/fifo | mknodat($1, \"fifo\", 0x11b6, 0)", ops); // FIFO 0666, no numbers
        int lastDefault = Array.FindLastIndex(ops, o => o.StartsWith(" | chown /dev/tty", StringComparison.Ordinal));
        Assert.True(lastDefault < Array.FindIndex(ops, o => o.StartsWith("linux.devices[0]", StringComparison.Ordinal)));
    }

    [Fact]
    public void In_a_user_namespace_devices_are_host_nodes_bound_by_fd()
    {
        PathCompiler.Dev(Context(SpecWith("""
            "devices":[{"path":"/dev/full","type":"c","major":1,"minor":7}]
            """, userNs: true)));
        var ops = Ops();
        Assert.DoesNotContain(ops, o => o.Contains("mknodat") || o.Contains("fchownat"));
        int at = Array.FindIndex(ops, o => o.StartsWith("linux.devices[0] | create /dev/full in rootfs", StringComparison.Ordinal));
        Assert.True(at > 0, string.Join('\n', ops));
        // The empty file made (and opened) inside the root, the host's node cloned and moved onto that fd.
        Assert.EndsWith("mount.0($0, \"dev/full\", 1, 493)", ops[at]);
        Assert.Equal("linux.devices[0] | bind /dev/full from the host | open_tree(-100, \"/dev/full\", 0x80001)", ops[at + 1]);
        Assert.Matches(@"^linux\.devices\[0\] \| bind /dev/full from the host \| move_mount\(\$(\d+), """", \$(\d+), """", 68\)$", ops[at + 2]);
        // null, zero, random, urandom and tty from the defaults, full from the config.
        Assert.Equal(6, ops.Count(o => o.Contains("from the host | open_tree")));
    }

    [Fact]
    public void A_bind_of_dev_compiles_to_nothing()
    {
        PathCompiler.Dev(Context(SpecWith("", mounts: """[{"destination":"/dev","type":"bind","source":"/dev","options":["rbind"]}]""")));
        Assert.Equal(0, _p.Count);
    }

    [Fact]
    public void Dev_without_the_mount_familys_root_is_not_compiled()
    {
        var e = Assert.Throws<NotCompiled>(() => PathCompiler.Dev(Context(SpecWith(""), withRoot: false)));
        Assert.Contains("path: Dev", e.Message);
    }

    [Fact]
    public void Masked_paths_resolve_in_the_containers_root_and_name_their_entry()
    {
        PathCompiler.MaskedPaths(Context(SpecWith("""
            "maskedPaths":["/proc/keys","/sys/firmware","/"]
            """)));
        Assert.Equal(
        [
            " | open / | openat(-100, \"/\", 0x290000)",
            "linux.maskedPaths[0] | \"/proc/keys\" | path.1($1, \"proc/keys\", 2)",
            "linux.maskedPaths[1] | \"/sys/firmware\" | path.1($1, \"sys/firmware\", 2)",
            "linux.maskedPaths[2] | \"/\" | path.1($1, \".\", 2)",
            " | close /dev/null | close($2)",
            " | close / | close($1)",
        ], Ops());
    }

    [Fact]
    public void Readonly_paths_resolve_in_the_containers_root_and_name_their_entry()
    {
        PathCompiler.ReadOnlyPaths(Context(SpecWith("""
            "readonlyPaths":["/proc/sys","proc/bus"]
            """)));
        Assert.Equal(
        [
            " | open / | openat(-100, \"/\", 0x290000)",
            "linux.readonlyPaths[0] | \"/proc/sys\" | path.0($1, \"proc/sys\")",
            "linux.readonlyPaths[1] | \"proc/bus\" | path.0($1, \"proc/bus\")",
            " | close / | close($1)",
        ], Ops());
    }

    [Fact]
    public void No_paths_compile_to_nothing()
    {
        var c = Context(SpecWith("""
            "maskedPaths":[],"readonlyPaths":[]
            """));
        PathCompiler.MaskedPaths(c);
        PathCompiler.ReadOnlyPaths(c);
        Assert.Equal(0, _p.Count);
    }

    [Fact]
    public void Failures_are_worded_as_the_init_path_words_them()
    {
        var c = Context(SpecWith("""
            "readonlyPaths":["/proc/sys"],"maskedPaths":["/proc/kcore","/proc/keys"]
            """));
        PathCompiler.ReadOnlyPaths(c);
        PathCompiler.MaskedPaths(c);
        int ro = 1, mask0 = 4, mask1 = 5;
        Assert.Equal("linux.readonlyPaths[0]: \"/proc/sys\": make it read-only: " + SyscallException.Describe(Errno.EPERM),
            _p.Describe(ro, Errno.EPERM, (int)PathRoutines.ReadOnlyStep.SetAttr));
        Assert.Equal("linux.maskedPaths[0]: \"/proc/kcore\": cannot mask a file without the null device: /dev/null: it is a symlink",
            _p.Describe(mask0, Errno.ELOOP, (int)PathRoutines.MaskStep.NullOpen));
        Assert.Equal("linux.maskedPaths[1]: \"/proc/keys\": cannot mask a file without the null device: /dev/null: " + SyscallException.Describe(Errno.ENOENT),
            _p.Describe(mask1, Errno.ENOENT, (int)PathRoutines.MaskStep.NullOpen));
        Assert.Equal("linux.maskedPaths[1]: \"/proc/keys\": open: " + SyscallException.Describe(Errno.EACCES),
            _p.Describe(mask1, Errno.EACCES, (int)PathRoutines.MaskStep.Open));
        Assert.Equal("linux.maskedPaths[1]: \"/proc/keys\": mount a read-only tmpfs on it: " + SyscallException.Describe(Errno.EPERM),
            _p.Describe(mask1, Errno.EPERM, (int)PathRoutines.MaskStep.Tmpfs));
    }

    // The zone routines, run directly against a directory standing in for the rootfs.

    private long RunRoutine(int kind, params long[] args)
    {
        ZoneState* z = _p.State != null ? _p.State : _p.Seal(-1);
        var op = new SetupOp { Kind = kind, Out = -1 };
        long* a = stackalloc long[SetupOp.ArgCount];
        for (int i = 0; i < SetupOp.ArgCount; i++) a[i] = i < args.Length ? args[i] : 0;
        z->Detail = 0;
        return PathRoutines.Run(z, &op, a);
    }

    private int Detail => _p.State->Detail;

    private int OpenDir(string path) => Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, path, Sys.O_PATH | Sys.O_DIRECTORY), "open " + path);

    private long Mask(int root, string path, int nullSlot) => RunRoutine(PathRoutines.Mask, root, (long)_p.Str(path), nullSlot);

    /// <summary>A rootfs with a file to mask and <paramref name="makeNull"/> making its /dev/null.</summary>
    private (int Root, int NullSlot) MaskRoot(Action<string> makeNull)
    {
        string rootfs = Path.Join(_dir, "rootfs");
        Directory.CreateDirectory(Path.Join(rootfs, "dev"));
        File.WriteAllText(Path.Join(rootfs, "secret"), "x");
        makeNull(Path.Join(rootfs, "dev", "null"));
        int slot = _p.Slot("dev-null");
        return (OpenDir(rootfs), slot);
    }

    [Fact]
    public void Mask_of_a_missing_destination_is_skipped_before_null_is_looked_at()
    {
        var (root, slot) = MaskRoot(_ => { });
        try
        {
            Assert.Equal(0, Mask(root, "no/such/file", slot));
            Assert.Equal(-1, _p.State->Slots[slot]);
        }
        finally { Sys.Close(root); }
    }

    [Fact]
    public void Mask_refuses_a_missing_null()
    {
        var (root, slot) = MaskRoot(_ => { });
        try
        {
            Assert.Equal(-Errno.ENOENT, Mask(root, "secret", slot));
            Assert.Equal((int)PathRoutines.MaskStep.NullOpen, Detail);
        }
        finally { Sys.Close(root); }
    }

    [Fact]
    public void Mask_refuses_a_null_that_is_a_symlink()
    {
        var (root, slot) = MaskRoot(n => File.CreateSymbolicLink(n, "/secret"));
        try
        {
            Assert.Equal(-Errno.ELOOP, Mask(root, "secret", slot));
            Assert.Equal("cannot mask a file without the null device: /dev/null: it is a symlink", PathCompiler.MaskWords(Errno.ELOOP, Detail));
        }
        finally { Sys.Close(root); }
    }

    [Fact]
    public void Mask_refuses_a_null_that_is_a_regular_file()
    {
        var (root, slot) = MaskRoot(n => File.WriteAllText(n, "planted"));
        try
        {
            long r = Mask(root, "secret", slot);
            Assert.True(r < 0);
            Assert.Equal("/dev/null is not the null device (char 1:3) but a regular file: refusing to mask with it", PathCompiler.MaskWords((int)-r, Detail));
            Assert.Equal(-1, _p.State->Slots[slot]);
        }
        finally { Sys.Close(root); }
    }

    [SkippableFact]
    public void Mask_refuses_a_null_that_is_another_device()
    {
        Skip.If(Environment.UserName != "root", "mknod of a character device needs root");
        var (root, slot) = MaskRoot(n => Sys.Check(Sys.TryMknod(n, Sys.S_IFCHR | 0x1b6, Sys.MakeDev(1, 5)), "mknod"));
        try
        {
            long r = Mask(root, "secret", slot);
            Assert.True(r < 0);
            Assert.Equal("/dev/null is not the null device (char 1:3) but char 1:5: refusing to mask with it", PathCompiler.MaskWords((int)-r, Detail));
        }
        finally { Sys.Close(root); }
    }

    [Fact]
    public void Readonly_of_a_missing_destination_is_skipped()
    {
        string rootfs = Path.Join(_dir, "rootfs");
        Directory.CreateDirectory(rootfs);
        int root = OpenDir(rootfs);
        try { Assert.Equal(0, RunRoutine(PathRoutines.ReadOnly, root, (long)_p.Str("proc/no-such-dir"))); }
        finally { Sys.Close(root); }
    }
}
