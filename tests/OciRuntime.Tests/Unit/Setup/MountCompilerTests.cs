using System.Runtime.InteropServices;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciRuntime.Launch.Setup;
using OciSpec;

namespace OciRuntime.Tests.Unit.Setup;

/// <summary>The mount family's part of the setup program: the operations and their order for representative
/// specs (the setup-order seam), the words of its failures, and its zone routines run here on a temp tree.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class MountCompilerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ocirun-test-mountc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Spec SpecWith(List<Mount>? mounts = null, string? propagation = null, bool readonlyRoot = false, params string[] namespaces) => new()
    {
        Process = new OciSpec.Process { Args = ["true"] },
        Root = new Root { Path = "rootfs", Readonly = readonlyRoot },
        Mounts = mounts,
        Linux = new Linux
        {
            RootfsPropagation = propagation,
            Namespaces = [.. (namespaces.Length == 0 ? ["mount", "pid"] : namespaces).Select(n => new LinuxNamespace { Type = n })],
        },
    };

    private SetupContext Context(Spec spec, SetupProgram p, bool noPivot = false, string? cgroupPath = null, CgroupLayout? layout = null, bool? seLinux = null) =>
        SetupFixture.Context(p, spec, SetupFixture.Plan(_dir) with { NoPivot = noPivot, CgroupPath = cgroupPath }, layout, seLinux);

    private static List<string> Steps(SetupProgram p, int from = 0) => SetupFixture.Steps(p, from);

    private static Mount M(string dest, string type, string? source, params string[] options) =>
        new() { Destination = dest, Type = type, Source = source, Options = [.. options] };

    [Fact]
    public void The_root_is_made_rslave_then_bound_onto_itself_then_opened_without_reading_the_mount_table()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith(), p);
        MountCompiler.PrepareRoot(c);
        Assert.Equal(["time before-root", "mount / with propagation 0x84000", "bind the rootfs onto itself", "open rootfs"], Steps(p));
        Assert.True(c.RootSlot >= 0);
        Assert.Null(MountCompiler.ParentToMakePrivate("/b/rootfs", Sys.MS_SLAVE | Sys.MS_REC, false, () => throw new InvalidOperationException("read")));
    }

    [Fact]
    public void A_shared_parent_is_made_private_only_when_it_stays_shared_after_the_propagation_change()
    {
        string[] table =
        [
            "22 1 0:21 / / rw shared:1 - ext4 /dev/sda rw",
            "40 22 0:40 / /b rw shared:7 - ext4 /dev/sdb rw",
            "41 40 0:41 / /b/other rw - tmpfs tmpfs rw",
        ];
        Assert.Equal("/b", MountCompiler.ParentToMakePrivate("/b/rootfs", Sys.MS_SHARED | Sys.MS_REC, false, () => table));
        // "/" alone changes: /b keeps the host's shared, unless a new user namespace turned it slave.
        Assert.Equal("/b", MountCompiler.ParentToMakePrivate("/b/rootfs", Sys.MS_PRIVATE, false, () => table));
        Assert.Null(MountCompiler.ParentToMakePrivate("/b/rootfs", Sys.MS_PRIVATE, true, () => table));
        Assert.Null(MountCompiler.ParentToMakePrivate("/c/rootfs", Sys.MS_PRIVATE, false, () => table));
        Assert.Equal("/", MountCompiler.ParentToMakePrivate("/c/rootfs", Sys.MS_SHARED, false, () => table));
    }

    [Fact]
    public void An_unknown_root_propagation_names_the_field_and_unbindable_is_private_until_the_pivot()
    {
        using var p = new SetupProgram();
        var e = Assert.Throws<RuntimeError>(() => MountCompiler.PrepareRoot(Context(SpecWith(propagation: "sideways"), p)));
        Assert.Equal("linux.rootfsPropagation: unknown value \"sideways\"", e.Message);
        Assert.Equal(Sys.MS_PRIVATE | Sys.MS_REC, MountCompiler.RootPropagation("runbindable"));
    }

    [Fact]
    public void A_tmpfs_is_resolved_checked_made_detached_attached_and_closed_in_that_order()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k")]), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        Assert.Equal(
        [
            "resolve in the rootfs", "check where it lies", "fsopen tmpfs", "fsconfig tmpfs source=tmpfs",
            "fsconfig tmpfs mode=755", "fsconfig tmpfs size=65536k", "create a tmpfs filesystem with mode=755,size=65536k",
            "fsmount tmpfs", "close", "attach tmpfs on /dev", "close", "close",
        ], Steps(p, from));
        Assert.Equal("mounts[0].destination \"/dev\"", p.Info[from].Field);
        Assert.Equal("mounts[0] (/dev)", p.Info[from + 2].Field);
        Assert.Contains("fsmount(", p.Info[from + 7].Call);
        Assert.Contains($", {0x2 | 0x20})", p.Info[from + 7].Call); // nosuid, strictatime as mount attributes
    }

    [Fact]
    public void A_tmpfs_without_mode_over_an_existing_directory_takes_its_mode_at_run_time()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/root", "tmpfs", "tmpfs")]), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        var steps = Steps(p, from);
        Assert.Equal("look for the destination", steps[0]);
        int mode = steps.IndexOf("fsconfig tmpfs mode (the directory's)");
        Assert.True(mode > 0 && steps[mode - 1] == "stat the directory under the tmpfs" && steps[mode + 1].StartsWith("create a tmpfs", StringComparison.Ordinal));
        Assert.Contains("if $", p.Print().Split('\n').Single(l => l.Contains("\"mode\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Proc_is_resolved_through_ordinary_directories_and_its_refusal_keeps_the_words_of_init()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/proc", "proc", "proc"), M("/sys", "sysfs", "sysfs", "ro")]), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        Assert.Equal("resolve in the rootfs", p.Info[from].Step);
        Assert.StartsWith("mount.1(", p.Info[from].Call); // ResolveOrdinary
        Assert.Equal("mounts[0].destination \"/proc\": resolve in the rootfs: filesystem \"proc\" must be mounted on ordinary directory (proc is a symlink or not a directory)",
            p.Describe(from, Errno.ELOOP, 1));
        int check = from + 1;
        Assert.Equal("check where it lies", p.Info[check].Step);
        Assert.Contains("$proc-allow-list", p.Info[check].Call.Replace("proc-allow-list", "$proc-allow-list"));
        Assert.Contains("inside /proc", p.Describe(check, Errno.EPERM, 2));
        Assert.Contains("fsconfig sysfs ro", Steps(p, from));
    }

    [Fact]
    public void A_bind_is_cloned_attached_given_its_flags_by_fd_then_its_propagation()
    {
        string src = Path.Join(_dir, "data");
        Directory.CreateDirectory(src);
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/data", "bind", "data", "rbind", "ro", "nosuid", "rprivate")]), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        Assert.Equal(
        [
            "resolve in the rootfs", "check where it lies", $"open_tree {src}", $"attach {src}",
            "remount the bind with its flags", $"set propagation 0x{Sys.MS_PRIVATE | Sys.MS_REC:x} on /data", "close", "close",
        ], Steps(p, from));
        Assert.Contains($", 0x{Sys.OPEN_TREE_CLONE | Sys.O_CLOEXEC | Sys.AT_RECURSIVE:x})", p.Info[from + 2].Call);
        Assert.Contains("{set 0x3, clear 0x0, propagation 0x0}", p.Info[from + 4].Call);
        // The recursive flag moves from the propagation to AT_RECURSIVE.
        Assert.EndsWith($", 0x{Sys.AT_EMPTY_PATH | Sys.AT_RECURSIVE:x}, {{set 0x0, clear 0x0, propagation 0x{Sys.MS_PRIVATE:x}}}, 32)", p.Info[from + 5].Call);
    }

    [Fact]
    public void A_bind_of_a_missing_source_fails_at_compile_time_naming_the_mount()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/x", "bind", "/no/such/source/dir", "bind")]), p);
        MountCompiler.PrepareRoot(c);
        var e = Assert.Throws<RuntimeError>(() => MountCompiler.Mounts(c));
        Assert.Equal("mounts[0] (/x): source /no/such/source/dir: no such file or directory", e.Message);
    }

    [Fact]
    public void A_bind_of_a_source_inside_the_rootfs_is_looked_at_in_the_zone_after_the_earlier_mounts()
    {
        using var p = new SetupProgram();
        var c = Context(SpecWith([M("/dst", "bind", "rootfs/made-by-an-earlier-mount", "rbind")]), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        string src = $"{_dir}/rootfs/made-by-an-earlier-mount";
        Assert.Equal([$"source {src}", $"source {src}", "resolve in the rootfs", "check where it lies", $"open_tree {src}"], Steps(p, from).Take(5));
        Assert.Equal($"mounts[0] (/dst): source {src}: no such file or directory", p.Describe(from, Errno.ENOENT, 0));
        Assert.Contains("$", p.Info[from + 2].Call.Split(", ")[2]); // asFile from the zone's look
    }

    [Fact]
    public void What_is_not_compiled_falls_back_and_what_is_wrong_is_refused_with_words()
    {
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith([M("/x", "tmpfs", "tmpfs", "remount", "ro")]), p);
            MountCompiler.PrepareRoot(c);
            int from = p.Count;
            MountCompiler.Mounts(c);
            Assert.Equal(["resolve in the rootfs", "check where it lies", "remount /x", "close"], Steps(p, from));
        }
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith([M("/x", "bind", "/tmp", "idmap")]), p);
            MountCompiler.PrepareRoot(c);
            var e = Assert.Throws<RuntimeError>(() => MountCompiler.Mounts(c));
            Assert.Equal("mounts[0].options: idmap needs uidMappings/gidMappings or a user namespace", e.Message);
        }
        using (var p = new SetupProgram())
        {
            var m = M("/x", "bind", "/tmp", "rbind") with
            {
                UidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = 1000, Size = 1 }],
                GidMappings = [new LinuxIDMapping { ContainerID = 0, HostID = 2000, Size = 1 }],
            };
            var c = Context(SpecWith([m]), p);
            MountCompiler.PrepareRoot(c);
            int from = p.Count;
            MountCompiler.Mounts(c);
            var steps = Steps(p, from);
            Assert.Equal(steps.IndexOf("open_tree /tmp") + 1, steps.IndexOf("idmap /tmp"));
            Assert.Contains("\"0 1000 1\n\"", p.Info[from + steps.IndexOf("idmap /tmp")].Call);
        }
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith([M("/x", "tmpfs", "tmpfs", "idmap")]), p);
            MountCompiler.PrepareRoot(c);
            var e = Assert.Throws<RuntimeError>(() => MountCompiler.Mounts(c));
            Assert.Equal("mounts[0] (/x): idmapped mounts are only supported for bind mounts, not type tmpfs", e.Message);
        }
    }

    [Fact]
    public void Bind_flags_become_mount_attributes_with_the_atime_field_cleared_whole()
    {
        Assert.Equal((0x1UL | 0x10, 0x70UL), MountEntryCompiler.BindAttributes(Sys.MS_RDONLY | Sys.MS_NOATIME, 0));
        Assert.Equal((0UL, 0x2UL), MountEntryCompiler.BindAttributes(0, Sys.MS_NOSUID));
        Assert.Equal((0UL, 0x70UL), MountEntryCompiler.BindAttributes(Sys.MS_RELATIME, 0));
    }

    [Fact]
    public void A_cgroup_mount_on_a_hybrid_host_is_a_tmpfs_of_hierarchies_fresh_in_a_cgroup_namespace_masked_where_the_container_has_none()
    {
        string cpu = Path.Join(_dir, "cg", "cpu,cpuacct"), mem = Path.Join(_dir, "cg", "memory");
        Directory.CreateDirectory(Path.Join(cpu, "ctr"));
        Directory.CreateDirectory(mem); // no directory of the container's here
        var layout = new CgroupLayout(CgroupMode.Legacy,
            [new CgroupHierarchy(cpu, false, ["cpu", "cpuacct"], "/"), new CgroupHierarchy(mem, false, ["memory"], "/")]);
        using var p = new SetupProgram();
        var spec = SpecWith([M("/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "ro")], namespaces: ["mount", "cgroup"]);
        var c = Context(spec, p, cgroupPath: "/ctr");
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        new MountEntryCompiler(c) { Layout = layout }.CompileAll(spec.Mounts!);
        var steps = Steps(p, from);
        int Index(string s) => steps.IndexOf(s) is var i and >= 0 ? i : throw new Xunit.Sdk.XunitException($"no step {s}: {string.Join(" | ", steps)}");
        Assert.True(Index("attach tmpfs on /sys/fs/cgroup") < Index("mkdir /sys/fs/cgroup/cpu,cpuacct"));
        Assert.True(Index("fsconfig cgroup cpuacct") < Index("attach cgroup on /sys/fs/cgroup/cpu,cpuacct"));
        Assert.Contains("symlink /sys/fs/cgroup/cpu", steps);
        Assert.Contains("symlink /sys/fs/cgroup/cpuacct", steps);
        Assert.True(Index("attach empty tmpfs masking /sys/fs/cgroup/memory") > Index("mkdir /sys/fs/cgroup/memory"));
        Assert.True(Index("remount the tmpfs on /sys/fs/cgroup read-only") > Index("attach empty tmpfs masking /sys/fs/cgroup/memory"));
        // Without a cgroup namespace the container's own directory is bound instead.
        using var q = new SetupProgram();
        var spec2 = SpecWith([M("/sys/fs/cgroup", "cgroup", "cgroup", "ro")]);
        var c2 = Context(spec2, q, cgroupPath: "/ctr", layout: layout); // as the CLI hands it over: no second read of the mount table
        MountCompiler.PrepareRoot(c2);
        MountCompiler.Mounts(c2);
        Assert.Contains($"open_tree {cpu}/ctr", Steps(q));
    }

    [Fact]
    public void The_root_is_pivoted_by_fd_moved_with_no_pivot_and_chrooted_keeping_the_hosts_proc_without_a_mount_namespace()
    {
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith(), p);
            MountCompiler.Root(c);
            Assert.Equal(["open /", "open rootfs", "chdir rootfs", "pivot_root", "chdir old root", "make the old root a slave",
                "detach old root", "chdir /", "close old root", "close rootfs"], Steps(p));
            Assert.Equal($"root.path {_dir}/rootfs", p.Info[2].Field);
        }
        using (var p = new SetupProgram())
        {
            MountCompiler.Root(Context(SpecWith(), p, noPivot: true));
            Assert.Equal(["chdir rootfs", "move the rootfs over /", "chroot", "chdir /"], Steps(p));
        }
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith(namespaces: ["pid"]), p);
            MountCompiler.Root(c);
            Assert.Equal(["open the host's /proc", "chdir rootfs", "chroot", "chdir /"], Steps(p));
            Assert.True(c.HostProcSlot >= 0);
            Assert.Equal($"root.path {_dir}/rootfs: chdir rootfs: Permission denied", p.Describe(1, Errno.EACCES, 0));
        }
    }

    [Fact]
    public void Without_a_mount_namespace_the_mounts_are_made_under_a_rootfs_fd_of_their_own_and_none_means_no_operation()
    {
        using (var p = new SetupProgram())
        {
            var c = Context(SpecWith([M("/tmp", "tmpfs", "tmpfs", "mode=1777")], namespaces: ["pid"]), p);
            MountCompiler.MountsWithoutNamespace(c);
            var steps = Steps(p);
            Assert.Equal($"open rootfs {_dir}/rootfs", steps[0]);
            Assert.Equal(["resolve in the rootfs", "check where it lies", "fsopen tmpfs"], steps.Skip(1).Take(3));
            Assert.Equal("close rootfs", steps[^1]);
            Assert.Equal(-1, c.RootSlot); // the root's own slot stays for a mount namespace
        }
        using (var p = new SetupProgram())
        {
            MountCompiler.MountsWithoutNamespace(Context(SpecWith(namespaces: ["pid"]), p));
            Assert.Equal(0, p.Count);
        }
    }

    [Fact]
    public void The_root_is_made_read_only_by_fd_then_given_its_propagation()
    {
        using var p = new SetupProgram();
        MountCompiler.FinishRoot(Context(SpecWith(propagation: "rshared", readonlyRoot: true), p));
        Assert.Equal(["open /", "remount / read-only", "close /", $"mount / with propagation 0x{Sys.MS_SHARED | Sys.MS_REC:x}"], Steps(p));
        Assert.Equal("root.readonly: remount / read-only: Operation not permitted", p.Describe(1, Errno.EPERM, 0));
    }

    // ---- the zone routines, on a temp tree (no root needed) ----

    private sealed class Zone : IDisposable
    {
        public readonly ZoneState* Z = (ZoneState*)NativeMemory.AllocZeroed((nuint)sizeof(ZoneState));
        public Zone() => Z->Scratch = (byte*)NativeMemory.AllocZeroed(ZoneState.ScratchSize);

        public long Run(int kind, params long[] args)
        {
            var op = new SetupOp { Kind = kind };
            long* a = stackalloc long[SetupOp.ArgCount];
            for (int i = 0; i < args.Length; i++) a[i] = args[i];
            Z->Detail = 0;
            return MountRoutines.Run(Z, &op, a);
        }

        public void Dispose()
        {
            NativeMemory.Free(Z->Scratch);
            NativeMemory.Free(Z);
        }
    }

    private static long Str(string s, List<nint> keep)
    {
        var b = CString.Of(s);
        var p = Marshal.AllocHGlobal(b.Length);
        Marshal.Copy(b, 0, p, b.Length);
        keep.Add(p);
        return p;
    }

    private string Rootfs()
    {
        string root = Path.Join(_dir, "r");
        Directory.CreateDirectory(root);
        return root;
    }

    private static int OpenPath(string path) => Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, path, Sys.O_PATH | Sys.O_CLOEXEC), path);

    private static string FdPath(long fd) => Sys.ReadLinkAt(Sys.AT_FDCWD, $"/proc/self/fd/{fd}")!;

    [Fact]
    public void Resolve_makes_missing_parts_and_a_dangling_symlinks_target_inside_the_root_never_outside()
    {
        string root = Rootfs();
        Directory.CreateDirectory(Path.Join(root, "etc"));
        File.CreateSymbolicLink(Path.Join(root, "abs"), "/etc/made-by-test");   // absolute: inside the root
        File.CreateSymbolicLink(Path.Join(root, "etc", "rel"), "../var/lib");   // relative, from the link's directory
        var keep = new List<nint>();
        using var zone = new Zone();
        int rootFd = OpenPath(root);
        try
        {
            long fd = zone.Run(MountRoutines.Resolve, rootFd, Str("a/b/c", keep), 0, 0x1ed);
            Assert.True(fd >= 0, $"errno {-fd} detail {zone.Z->Detail}");
            Assert.Equal(Path.Join(root, "a/b/c"), FdPath(fd));
            Sys.Close((int)fd);

            fd = zone.Run(MountRoutines.Resolve, rootFd, Str("abs/sub", keep), 0, 0x1ed);
            Assert.True(fd >= 0, $"errno {-fd} detail {zone.Z->Detail}");
            Assert.Equal(Path.Join(root, "etc/made-by-test/sub"), FdPath(fd));
            Assert.False(Directory.Exists("/etc/made-by-test"));
            Sys.Close((int)fd);

            fd = zone.Run(MountRoutines.Resolve, rootFd, Str("etc/rel/file", keep), 1, 0x1ed);
            Assert.True(fd >= 0, $"errno {-fd} detail {zone.Z->Detail}");
            Assert.True(File.Exists(Path.Join(root, "var/lib/file")));
            Sys.Close((int)fd);

            Assert.Equal(1, zone.Run(MountRoutines.Exists, rootFd, Str("var/lib/file", keep)));
            Assert.Equal(0, zone.Run(MountRoutines.Exists, rootFd, Str("nope", keep)));
        }
        finally
        {
            Sys.Close(rootFd);
            keep.ForEach(Marshal.FreeHGlobal);
        }
    }

    [Fact]
    public void Resolve_ordinary_refuses_a_symlink_on_the_way_naming_its_part()
    {
        string root = Rootfs();
        Directory.CreateDirectory(Path.Join(root, "real"));
        File.CreateSymbolicLink(Path.Join(root, "x"), "real");
        var keep = new List<nint>();
        using var zone = new Zone();
        int rootFd = OpenPath(root);
        try
        {
            long r = zone.Run(MountRoutines.ResolveOrdinary, rootFd, Str("x/kernel", keep));
            Assert.Equal(-Errno.ELOOP, r);
            Assert.Equal(1, zone.Z->Detail);
            long fd = zone.Run(MountRoutines.ResolveOrdinary, rootFd, Str("real/kernel", keep));
            Assert.True(fd >= 0);
            Assert.Equal(Path.Join(root, "real/kernel"), FdPath(fd));
            Sys.Close((int)fd);
        }
        finally
        {
            Sys.Close(rootFd);
            keep.ForEach(Marshal.FreeHGlobal);
        }
    }

    [Fact]
    public void The_proc_rules_judge_where_the_fd_lies_inside_the_root()
    {
        string root = Rootfs();
        foreach (var d in new[] { "proc/sys", "proc/cpuinfo", "procx" }) Directory.CreateDirectory(Path.Join(root, d));
        var keep = new List<nint>();
        using var zone = new Zone();
        int rootFd = OpenPath(root), proc = OpenPath("/proc");
        var allow = MountRoutines.AllowList(OciRuntime.Rootfs.ProcMountRules.Allowed);
        var handle = GCHandle.Alloc(allow, GCHandleType.Pinned);
        long list = handle.AddrOfPinnedObject();
        {
            long Check(string at, bool mayBeProc)
            {
                int fd = OpenPath(Path.Join(root, at));
                try { return zone.Run(MountRoutines.CheckProc, proc, rootFd, fd, mayBeProc ? 1 : 0, list); }
                finally { Sys.Close(fd); }
            }
            try
            {
                Assert.Equal(-Errno.EPERM, Check("proc", false));
                Assert.Equal(1, zone.Z->Detail);
                Assert.Equal(0, Check("proc", true));
                Assert.Equal(-Errno.EPERM, Check("proc/sys", true));
                Assert.Equal(2, zone.Z->Detail);
                Assert.Equal(0, Check("proc/cpuinfo", false));
                Assert.Equal(0, Check("procx", false));
                Assert.Equal(0, Check(".", false));
                int outside = OpenPath(_dir);
                try { Assert.Equal(-Errno.EXDEV, zone.Run(MountRoutines.CheckProc, proc, rootFd, outside, 0, list)); }
                finally { Sys.Close(outside); }
            }
            finally
            {
                Sys.Close(rootFd);
                Sys.Close(proc);
                handle.Free();
            }
        }
    }

    [Fact]
    public void Tmpcopyup_copies_files_directories_and_links_with_their_modes_and_the_mode_routine_writes_octal()
    {
        string from = Path.Join(_dir, "from"), to = Path.Join(_dir, "to");
        Directory.CreateDirectory(Path.Join(from, "sub"));
        File.WriteAllText(Path.Join(from, "sub", "f"), "hello");
        File.SetUnixFileMode(Path.Join(from, "sub", "f"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Join(from, "link"), "/nowhere");
        Directory.CreateDirectory(to);
        File.SetUnixFileMode(to, (UnixFileMode)0x1c9); // 0711
        using var zone = new Zone();
        int src = OpenPath(from), dst = Sys.Open(to, Sys.O_RDONLY | Sys.O_DIRECTORY);
        try
        {
            long r = zone.Run(MountRoutines.CopyUp, src, dst);
            Assert.True(r == 0, $"errno {-r} detail {zone.Z->Detail}");
            Assert.Equal("hello", File.ReadAllText(Path.Join(to, "sub", "f")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Join(to, "sub", "f")));
            Assert.Equal("/nowhere", new FileInfo(Path.Join(to, "link")).LinkTarget);
            byte* mode = stackalloc byte[16];
            Assert.Equal(0, zone.Run(MountRoutines.ModeOf, dst, (long)mode));
            Assert.Equal("0711", Marshal.PtrToStringUTF8((nint)mode));
        }
        finally
        {
            Sys.Close(src);
            Sys.Close(dst);
        }
    }

    // ---- a joined mount namespace, linux.mountLabel, idmap without mappings (issue #20) ----

    private static Spec Joined(Spec spec) => spec with
    {
        Linux = spec.Linux! with { Namespaces = [new LinuxNamespace { Type = "mount", Path = "/proc/1/ns/mnt" }, new LinuxNamespace { Type = "pid" }] },
    };

    [Fact]
    public void In_a_joined_mount_namespace_the_zone_decides_after_the_join_whether_the_rootfs_parent_is_made_private()
    {
        using var p = new SetupProgram();
        var c = Context(Joined(SpecWith(propagation: "rshared")), p);
        MountCompiler.PrepareRoot(c);
        Assert.Equal(["time before-root", $"mount / with propagation 0x{Sys.MS_SHARED | Sys.MS_REC:x}",
            "make the mount holding the rootfs private if shared (pivot_root refuses a shared parent)", "bind the rootfs onto itself", "open rootfs"], Steps(p));
        Assert.StartsWith($"mount.{MountRoutines.PrivateRootParent - OpKind.MountFirst}(\"{_dir}/rootfs\")", p.Info[2].Call);
        Assert.Equal($"root.path {_dir}/rootfs: make the mount holding the rootfs private if shared (pivot_root refuses a shared parent): statmount the rootfs's mount: Function not implemented",
            p.Describe(2, Errno.ENOSYS, RootParentRoutine.Statmount));
        // The runtime's own table is not read for it, whatever rootfsPropagation says.
        using var q = new SetupProgram();
        MountCompiler.PrepareRoot(Context(Joined(SpecWith(propagation: "private")), q));
        Assert.Contains("make the mount holding the rootfs private if shared (pivot_root refuses a shared parent)", Steps(q));
    }

    [Fact]
    public void In_a_joined_mount_namespace_a_bind_source_outside_the_rootfs_is_looked_at_in_the_zone()
    {
        using var p = new SetupProgram();
        var c = Context(Joined(SpecWith([M("/x", "bind", "/no/such/source/in/the/runtimes/view", "rbind")])), p);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c); // no compile-time refusal: the joined namespace may have it
        Assert.Equal(["source /no/such/source/in/the/runtimes/view", "source /no/such/source/in/the/runtimes/view", "resolve in the rootfs"], Steps(p, from).Take(3));
        Assert.Equal("mounts[0] (/x): source /no/such/source/in/the/runtimes/view: no such file or directory", p.Describe(from, Errno.ENOENT, 0));
    }

    private const string Label = "system_u:object_r:container_file_t:s0:c1,c2";

    [Fact]
    public void The_mount_label_is_a_context_option_of_the_filesystems_that_take_one_with_selinux_only()
    {
        string src = Path.Join(_dir, "data");
        Directory.CreateDirectory(src);
        var mounts = new List<Mount>
        {
            M("/tmp", "tmpfs", "tmpfs", "mode=1777"), M("/proc", "proc", "proc"), M("/sys", "sysfs", "sysfs"),
            M("/data", "bind", "data", "rbind"), M("/t", "tmpfs", "tmpfs", "remount", "ro"),
        };
        var spec = SpecWith(mounts) with { Linux = SpecWith(mounts).Linux! with { MountLabel = Label } };
        using (var p = new SetupProgram())
        {
            var c = Context(spec, p, seLinux: true);
            MountCompiler.PrepareRoot(c);
            int from = p.Count;
            MountCompiler.Mounts(c);
            var steps = Steps(p, from);
            // The quotes of context="..." are mount(8)'s: fsconfig takes the value whole, its comma included.
            int ctx = steps.IndexOf($"fsconfig tmpfs context={Label}");
            Assert.True(ctx > steps.IndexOf("fsconfig tmpfs mode=1777"), string.Join(" | ", steps));
            Assert.Equal($"create a tmpfs filesystem with mode=1777,context=\"{Label}\"", steps[ctx + 1]);
            Assert.Contains($"\"{Label}\"", p.Info[from + ctx].Call);
            Assert.Single(steps, s => s.StartsWith("fsconfig", StringComparison.Ordinal) && s.Contains("context=", StringComparison.Ordinal)); // not proc, sysfs, a bind
            Assert.Contains($"\"context=\"{Label}\"\"", p.Info.Single(i => i.Step == "remount /t").Call); // mount(2)'s data, quoted
        }
        using (var p = new SetupProgram())
        {
            var c = Context(spec, p, seLinux: false);
            MountCompiler.PrepareRoot(c);
            MountCompiler.Mounts(c);
            Assert.DoesNotContain(p.Info, i => i.Step.Contains("context", StringComparison.Ordinal) || i.Call.Contains("context", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_labelled_mqueue_that_refuses_its_label_is_made_again_without_it()
    {
        var mounts = new List<Mount> { M("/dev/mqueue", "mqueue", "mqueue", "nosuid") };
        var spec = SpecWith(mounts) with { Linux = SpecWith(mounts).Linux! with { MountLabel = Label } };
        using var p = new SetupProgram();
        var c = Context(spec, p, seLinux: true);
        MountCompiler.PrepareRoot(c);
        int from = p.Count;
        MountCompiler.Mounts(c);
        var lines = p.Print().Split('\n').Skip(from).ToList();
        var steps = Steps(p, from);
        int labelled = steps.IndexOf($"fsconfig mqueue context={Label}"), create = steps.IndexOf($"create a mqueue filesystem with context=\"{Label}\"");
        int again = steps.LastIndexOf("fsopen mqueue"), plain = steps.IndexOf("create a mqueue filesystem");
        Assert.True(labelled >= 0 && create > labelled && again > create && plain > again && steps[plain + 1] == "fsmount mqueue", string.Join(" | ", steps));
        // The labelled attempt runs until a step fails (its errno is the answer); the unlabelled one only then.
        Assert.Matches(@"unless \$\d+ .* -> \$\d+ \(fs mqueue refused the label\) tolerating", lines[labelled]);
        Assert.Matches(@"unless \$\d+ .* -> \$\d+ \(fs mqueue refused the label\) tolerating", lines[create]);
        Assert.StartsWith("if $", lines[again].Substring(5));
        Assert.StartsWith("if $", lines[plain].Substring(5));
        Assert.DoesNotContain("if $", lines[plain + 1]);
        Assert.DoesNotContain("context", string.Join("", p.Info.Skip(from + again).Select(i => i.Call)));
    }
}
