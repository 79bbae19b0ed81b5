using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>One line of /proc/self/mountinfo.</summary>
public sealed record MountLine(string Root, string MountPoint, string[] Options, string[] Optional, string FsType, string Source, string[] SuperOptions)
{
    public bool Has(string option) => Options.Contains(option) || SuperOptions.Contains(option);
    public bool Shared => Optional.Any(o => o.StartsWith("shared:", StringComparison.Ordinal));
    public bool Slave => Optional.Any(o => o.StartsWith("master:", StringComparison.Ordinal));
    public bool Unbindable => Optional.Contains("unbindable");

    public static List<MountLine> Parse(string text)
    {
        var list = new List<MountLine>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 6 || f.Length < dash + 4) continue;
            list.Add(new MountLine(f[3], f[4], f[5].Split(','), f[6..dash], f[dash + 1], f[dash + 2], f[dash + 3].Split(',')));
        }
        return list;
    }

    /// <summary>The mount visible at a path: the last one listed there.</summary>
    public static MountLine At(List<MountLine> all, string mountPoint) =>
        all.LastOrDefault(m => m.MountPoint == mountPoint) ?? throw new Xunit.Sdk.XunitException($"no mount at {mountPoint}:\n{string.Join('\n', all.Select(m => m.MountPoint + " " + m.FsType))}");
}

internal static class MountJson
{
    public static JsonObject Mount(string destination, string type, string? source, params string[] options)
    {
        var o = new JsonObject { ["destination"] = destination, ["type"] = type };
        if (source is not null) o["source"] = source;
        o["options"] = new JsonArray(options.Select(x => (JsonNode)JsonValue.Create(x)!).ToArray());
        return o;
    }

    public static Bundle AddMount(this Bundle b, JsonObject m)
    {
        b.Config["mounts"]!.AsArray().Add(m);
        return b;
    }

    public static Bundle Writable(this Bundle b)
    {
        b.Config["root"]!["readonly"] = false;
        return b;
    }

    public static Bundle WithoutNamespace(this Bundle b, string type)
    {
        var ns = b.Linux["namespaces"]!.AsArray();
        foreach (var n in ns.Where(n => (string)n!["type"]! == type).ToList()) ns.Remove(n);
        return b;
    }

    public static Bundle UserNamespace(this Bundle b)
    {
        b.Linux["namespaces"]!.AsArray().Add(new JsonObject { ["type"] = "user" });
        b.Linux["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        b.Linux["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100000, ["size"] = 65536 });
        return b;
    }

    public static string HostMountInfo() => File.ReadAllText("/proc/self/mountinfo");
}

/// <summary>mounts[]: every type and option, checked against the container's own /proc/self/mountinfo.</summary>
public sealed class MountTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const string Marker = "==MOUNTINFO==";

    /// <summary>Runs the script, then prints the container's mountinfo; returns (script output, mounts).</summary>
    private (string Out, List<MountLine> Mounts) RunAndList(Bundle b, string script = "true")
    {
        b.Shell($"{script}; echo {Marker}; cat /proc/self/mountinfo");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        int i = r.Stdout.IndexOf(Marker, StringComparison.Ordinal);
        return (r.Stdout[..i], MountLine.Parse(r.Stdout[(i + Marker.Length)..]));
    }

    private string HostDir(string name, params (string File, string Content)[] files)
    {
        string d = Path.Join(Path.GetDirectoryName(_s.Root)!, name);
        Directory.CreateDirectory(d);
        foreach (var (f, c) in files) File.WriteAllText(Path.Join(d, f), c);
        return d;
    }

    [Fact]
    public void Bind_of_a_directory_and_of_a_file_creates_a_matching_destination()
    {
        string dir = HostDir("src", ("hello", "from host\n"));
        string file = Path.Join(HostDir("files"), "one");
        File.WriteAllText(file, "single file\n");
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/mnt/deep/dir", "bind", dir, "bind"))
            .AddMount(MountJson.Mount("/mnt/deep/file", "none", file, "rbind"));
        var (o, mounts) = RunAndList(b, "cat /mnt/deep/dir/hello /mnt/deep/file; test -d /mnt/deep/dir && test -f /mnt/deep/file && echo shapes-ok");
        Assert.Equal("from host\nsingle file\nshapes-ok\n", o);
        Assert.True(MountLine.At(mounts, "/mnt/deep/dir").Has("rw"));
        Assert.Equal("/" + Path.GetRelativePath("/", file), MountLine.At(mounts, "/mnt/deep/file").Root);
    }

    [Fact]
    public void Read_only_bind_is_really_read_only_and_rw_bind_is_writable()
    {
        string dir = HostDir("ro");
        string rw = HostDir("rw");
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/ro", "bind", dir, "bind", "ro"))
            .AddMount(MountJson.Mount("/rw", "bind", rw, "rbind", "rw"));
        var (o, mounts) = RunAndList(b, "touch /ro/x 2>/dev/null && echo ro-written; touch /rw/y && echo rw-written");
        Assert.Equal("rw-written\n", o);
        Assert.True(MountLine.At(mounts, "/ro").Has("ro"));
        Assert.True(MountLine.At(mounts, "/rw").Options.Contains("rw"));
        Assert.False(File.Exists(Path.Join(dir, "x")));
        Assert.True(File.Exists(Path.Join(rw, "y")));
    }

    public static TheoryData<string[], string[]> FlagCases => new()
    {
        { ["ro"], ["ro"] },
        { ["nosuid", "nodev", "noexec"], ["nosuid", "nodev", "noexec"] },
        { ["noatime"], ["noatime"] },
        { ["nodiratime", "relatime"], ["nodiratime", "relatime"] },
        { ["strictatime"], [] },
        { ["sync"], ["sync"] },
        { ["dirsync"], ["dirsync"] },
        { ["lazytime"], ["lazytime"] },
        { ["ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec"], ["rw"] },
        { ["mand", "nomand", "async", "atime", "norelatime", "nostrictatime", "loud"], ["rw"] },
        { ["size=1m", "mode=0711"], ["size=1024k", "mode=711"] },
    };

    [Theory]
    [MemberData(nameof(FlagCases))]
    public void Tmpfs_options_reach_the_kernel(string[] options, string[] expected)
    {
        var b = _s.NewBundle().AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs", options));
        var (_, mounts) = RunAndList(b);
        var m = MountLine.At(mounts, "/t");
        Assert.Equal("tmpfs", m.FsType);
        foreach (var e in expected) Assert.True(m.Has(e), $"{e} missing: {string.Join(',', m.Options)} / {string.Join(',', m.SuperOptions)}");
        if (!options.Contains("noatime") && options.Contains("strictatime"))
            Assert.False(m.Has("relatime") || m.Has("noatime"));
        foreach (var (set, clear) in new[] { ("nosuid", "suid"), ("nodev", "dev"), ("noexec", "exec") })
            if (options.Contains(set) && options.Contains(clear)) Assert.False(m.Has(set));
    }

    [Fact]
    public void Kernel_filesystems_get_their_types_and_options()
    {
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/p2", "proc", "proc", "nosuid", "noexec", "nodev"))
            .AddMount(MountJson.Mount("/s2", "sysfs", "sysfs", "ro", "nosuid"))
            .AddMount(MountJson.Mount("/mq", "mqueue", "mqueue", "nodev"));
        var (_, mounts) = RunAndList(b);
        Assert.Equal("proc", MountLine.At(mounts, "/proc").FsType);
        Assert.Equal("proc", MountLine.At(mounts, "/p2").FsType);
        Assert.True(MountLine.At(mounts, "/p2").Has("noexec"));
        var sys = MountLine.At(mounts, "/s2");
        Assert.Equal("sysfs", sys.FsType);
        Assert.True(sys.Has("ro"));
        Assert.Equal("mqueue", MountLine.At(mounts, "/mq").FsType);
        var pts = MountLine.At(mounts, "/dev/pts");
        Assert.Equal("devpts", pts.FsType);
        Assert.True(pts.Has("ptmxmode=666") && pts.Has("mode=620") && pts.Has("gid=5"), string.Join(',', pts.SuperOptions));
        Assert.True(MountLine.At(mounts, "/dev/shm").Has("nodev"));
        Assert.True(MountLine.At(mounts, "/dev/mqueue").Has("nosuid"));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Cgroup_mount_per_controller_with_and_without_a_cgroup_namespace(bool cgroupNs, bool readOnly)
    {
        var b = _s.NewBundle();
        b.Config["mounts"] = new JsonArray(b.Config["mounts"]!.AsArray().Where(m => (string)m!["destination"]! != "/sys/fs/cgroup").Select(m => m!.DeepClone()).ToArray());
        b.AddMount(MountJson.Mount("/sys/fs/cgroup", "cgroup", "cgroup", readOnly ? ["nosuid", "noexec", "nodev", "ro"] : ["nosuid", "noexec", "nodev"]));
        if (!cgroupNs) b.WithoutNamespace("cgroup");
        var (o, mounts) = RunAndList(b, "touch /sys/fs/cgroup/pids/x 2>/dev/null; ls /sys/fs/cgroup/pids/cgroup.procs && cat /sys/fs/cgroup/pids/cgroup.procs | wc -l");
        var under = mounts.Where(m => m.MountPoint.StartsWith("/sys/fs/cgroup", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(under);
        bool v2Host = File.Exists("/sys/fs/cgroup/cgroup.controllers");
        var leaf = v2Host ? MountLine.At(mounts, "/sys/fs/cgroup") : MountLine.At(mounts, "/sys/fs/cgroup/pids");
        Assert.Equal(v2Host ? "cgroup2" : "cgroup", leaf.FsType);
        if (!v2Host) Assert.Contains("pids", leaf.SuperOptions);
        Assert.Equal(readOnly, leaf.Has("ro"));
        // In a cgroup namespace the container's cgroup is the root; without one its own directory is bound there.
        if (cgroupNs) Assert.Equal("/", leaf.Root);
        else Assert.NotEqual("/", leaf.Root);
        Assert.Contains("cgroup.procs", o);
    }

    [Fact]
    public void Cgroup2_mount_is_cgroup2()
    {
        var b = _s.NewBundle().AddMount(MountJson.Mount("/cg2", "cgroup2", "cgroup2", "nosuid", "nodev", "noexec"));
        var (_, mounts) = RunAndList(b);
        var m = MountLine.At(mounts, "/cg2");
        Assert.Equal("cgroup2", m.FsType);
        Assert.True(m.Has("nosuid") && m.Has("noexec"));
    }

    [Fact]
    public void Overlay_with_lowerdir_upperdir_workdir()
    {
        string lower = HostDir("lower", ("base", "lower file\n"));
        string upper = HostDir("upper");
        string work = HostDir("work");
        var b = _s.NewBundle().AddMount(MountJson.Mount("/ov", "overlay", "overlay",
            $"lowerdir={lower}", $"upperdir={upper}", $"workdir={work}", "nosuid"));
        var (o, mounts) = RunAndList(b, "cat /ov/base; echo new > /ov/added; echo changed > /ov/base");
        Assert.Equal("lower file\n", o);
        var m = MountLine.At(mounts, "/ov");
        Assert.Equal("overlay", m.FsType);
        Assert.True(m.Has("nosuid"));
        Assert.Contains($"lowerdir={lower}", m.SuperOptions);
        Assert.Equal("new\n", File.ReadAllText(Path.Join(upper, "added")));
        Assert.Equal("changed\n", File.ReadAllText(Path.Join(upper, "base")));
        Assert.Equal("lower file\n", File.ReadAllText(Path.Join(lower, "base")));
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("rshared")]
    [InlineData("private")]
    [InlineData("rprivate")]
    [InlineData("unbindable")]
    [InlineData("runbindable")]
    public void Bind_propagation_option(string propagation)
    {
        string dir = HostDir("prop");
        var b = _s.NewBundle().AddMount(MountJson.Mount("/prop", "bind", dir, "rbind", propagation));
        var (_, mounts) = RunAndList(b);
        var m = MountLine.At(mounts, "/prop");
        Assert.Equal(propagation.EndsWith("shared"), m.Shared);
        Assert.Equal(propagation.EndsWith("unbindable"), m.Unbindable);
        Assert.False(m.Slave);
    }

    [Theory]
    [InlineData("slave")]
    [InlineData("rslave")]
    public void Bind_slave_of_a_shared_mount_has_a_master(string propagation)
    {
        // The second bind's source is the first mount (init sees the container's mounts at the rootfs host path).
        var b = _s.NewBundle();
        b.AddMount(MountJson.Mount("/peer", "tmpfs", "tmpfs", "rshared"))
            .AddMount(MountJson.Mount("/follower", "bind", b.Rootfs + "/peer", "rbind", propagation));
        var (_, mounts) = RunAndList(b);
        Assert.True(MountLine.At(mounts, "/peer").Shared);
        var f = MountLine.At(mounts, "/follower");
        Assert.True(f.Slave && !f.Shared, string.Join(' ', f.Optional));
    }

    [Fact]
    public void Remount_option_changes_an_earlier_mount_but_not_its_submounts()
    {
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/r", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/r/sub", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/r", "tmpfs", "tmpfs", "remount", "ro", "nosuid"));
        var (o, mounts) = RunAndList(b, "touch /r/sub/x && echo sub-writable; touch /r/x 2>/dev/null || echo top-ro");
        Assert.Equal("sub-writable\ntop-ro\n", o);
        Assert.True(MountLine.At(mounts, "/r").Has("ro") && MountLine.At(mounts, "/r").Has("nosuid"));
        Assert.Single(mounts, m => m.MountPoint == "/r");
    }

    [Fact]
    public void Rro_on_an_rbind_with_a_submount_makes_both_read_only()
    {
        // The submount is made by an earlier mounts[] entry inside the container and reached through the rootfs
        // path as init sees it (its mount namespace already holds the container's mounts at that host path).
        var b = _s.NewBundle();
        string src = b.Rootfs + "/srcdir";
        var (o, mounts) = RunAndList(b
            .AddMount(MountJson.Mount("/srcdir", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/srcdir/sub", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/dst", "bind", src, "rbind", "rro")),
            "touch /dst/sub/x 2>/dev/null || echo sub-ro; touch /dst/x 2>/dev/null || echo top-ro; touch /srcdir/sub/y && echo src-rw");
        Assert.Equal("sub-ro\ntop-ro\nsrc-rw\n", o);
        Assert.True(MountLine.At(mounts, "/dst/sub").Has("ro"));
        Assert.True(MountLine.At(mounts, "/dst").Has("ro"));
    }

    [Fact]
    public void Idmapped_bind_shows_files_with_mapped_owners()
    {
        string dir = HostDir("idm", ("owned-by-root", "x"));
        var m = MountJson.Mount("/idm", "bind", dir, "bind");
        m["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 1234, ["size"] = 1 });
        m["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 4321, ["size"] = 1 });
        var (o, mounts) = RunAndList(_s.NewBundle().AddMount(m), "stat -c '%u %g' /idm/owned-by-root");
        Assert.Equal("1234 4321\n", o);
        Assert.True(MountLine.At(mounts, "/idm").Has("idmapped"));
        // On the host nothing changed.
        var st = new FileInfo(Path.Join(dir, "owned-by-root"));
        Assert.Equal("0", Exec.Capture("stat", "-c", "%u", st.FullName).Trim());
    }

    [Theory]
    [InlineData("idmap", false)]
    [InlineData("ridmap", false)]
    [InlineData("idmap", true)]
    public void Idmap_option_inside_a_user_namespace_uses_the_containers_mapping(string option, bool ownMapping)
    {
        // A host-root file is "nobody" in a user namespace mapped to 100000; idmapped with the container's
        // mapping it is the container's root.
        string dir = HostDir("idm2", ("f", "x"));
        var b = _s.NewBundle().UserNamespace()
            .AddMount(MountJson.Mount("/idm", "bind", dir, "bind", option))
            .AddMount(MountJson.Mount("/plain", "bind", dir, "bind"));
        if (ownMapping)
        {
            var m = b.Config["mounts"]!.AsArray()[^2]!.AsObject();
            m["uidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100007, ["size"] = 1 });
            m["gidMappings"] = new JsonArray(new JsonObject { ["containerID"] = 0, ["hostID"] = 100009, ["size"] = 1 });
        }
        // The mapped root cannot create mount points in a host-owned rootfs.
        Directory.CreateDirectory(Path.Join(b.Rootfs, "idm"));
        Directory.CreateDirectory(Path.Join(b.Rootfs, "plain"));
        var (o, mounts) = RunAndList(b, "stat -c '%u:%g' /idm/f /plain/f");
        Assert.Equal(ownMapping ? "7:9\n65534:65534\n" : "0:0\n65534:65534\n", o);
        Assert.True(MountLine.At(mounts, "/idm").Has("idmapped"));
        Assert.False(MountLine.At(mounts, "/plain").Has("idmapped"));
    }

    [Fact]
    public void Tmpcopyup_starts_with_the_destination_content()
    {
        var b = _s.NewBundle();
        Directory.CreateDirectory(Path.Join(b.Rootfs, "seed", "nested"));
        File.WriteAllText(Path.Join(b.Rootfs, "seed", "nested", "file"), "seeded\n");
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "seed", "link"), "nested/file");
        var (o, mounts) = RunAndList(b.AddMount(MountJson.Mount("/seed", "tmpfs", "tmpfs", "tmpcopyup", "nosuid")),
            "cat /seed/nested/file /seed/link; echo more > /seed/new && echo wrote");
        Assert.Equal("seeded\nseeded\nwrote\n", o);
        Assert.Equal("tmpfs", MountLine.At(mounts, "/seed").FsType);
        Assert.False(File.Exists(Path.Join(b.Rootfs, "seed", "new")));
    }

    // runc: a tmpfs over a directory the image has takes that directory's mode; over one the runtime creates it keeps
    // its own (1777). podman's `--tmpfs /data` (tmpcopyup) on a new directory must come out 1777. An explicit mode=
    // wins everywhere (there ocirun parts from runc on purpose, see conformance TmpfsMount_ModeOption_SetsRootMode).
    [Theory]
    [InlineData("tmpcopyup")]
    [InlineData("nosuid")]
    public void Tmpfs_mode_is_the_option_else_the_existing_directorys_else_tmpfss(string option)
    {
        var b = _s.NewBundle();
        foreach (var (dir, mode) in new[] { ("private", 0b111_000_000), ("private-mode", 0b111_000_000), ("private-ro", 0b101_000_000) })
        {
            Directory.CreateDirectory(Path.Join(b.Rootfs, dir));
            File.SetUnixFileMode(Path.Join(b.Rootfs, dir), (UnixFileMode)mode);
        }
        b.AddMount(MountJson.Mount("/private", "tmpfs", "tmpfs", option))
            .AddMount(MountJson.Mount("/private-mode", "tmpfs", "tmpfs", option, "mode=1777"))
            .AddMount(MountJson.Mount("/private-ro", "tmpfs", "tmpfs", option, "ro"))
            .AddMount(MountJson.Mount("/fresh", "tmpfs", "tmpfs", option))
            .AddMount(MountJson.Mount("/fresh-mode", "tmpfs", "tmpfs", option, "mode=750"));
        var (o, _) = RunAndList(b, "stat -c %a /private /private-mode /private-ro /fresh /fresh-mode");
        Assert.Equal("700\n1777\n500\n1777\n750\n", o);
    }

    [Fact]
    public void Unknown_option_goes_to_the_filesystem_as_data()
    {
        var good = _s.NewBundle().AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs", "nr_inodes=77", "uid=5"));
        var (_, mounts) = RunAndList(good);
        Assert.True(MountLine.At(mounts, "/t").Has("nr_inodes=77") && MountLine.At(mounts, "/t").Has("uid=5"));

        var bad = _s.NewBundle().AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs", "no-such-option-xyz")).Shell("true");
        var r = _s.Run(bad);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no-such-option-xyz", r.Stderr);
        Assert.Contains("mounts[", r.Stderr);
    }

    [Fact]
    public void Relative_destination_is_taken_from_the_root()
    {
        var b = _s.NewBundle().AddMount(MountJson.Mount("rel/dir", "tmpfs", "tmpfs"));
        var (_, mounts) = RunAndList(b);
        Assert.Equal("tmpfs", MountLine.At(mounts, "/rel/dir").FsType);
    }

    [SkippableFact]
    public void MountLabel_is_ignored_without_selinux()
    {
        Skip.If(File.Exists("/sys/fs/selinux/enforce"), "SELinux is enabled on this host: the label would apply");
        var b = _s.NewBundle().AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs"));
        b.Linux["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2";
        var (_, mounts) = RunAndList(b);
        Assert.DoesNotContain(MountLine.At(mounts, "/t").SuperOptions, o => o.StartsWith("context=", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData("LINUX", "x86_64")]
    [InlineData("LINUX32", "i686")]
    public void Personality_sets_the_execution_domain(string domain, string machine)
    {
        Skip.If(Exec.Capture("uname", "-m").Trim() != "x86_64", "the execution domains are checked on an x86_64 host");
        var b = _s.NewBundle("uname", "-m");
        b.Linux["personality"] = new JsonObject { ["domain"] = domain };
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(machine + "\n", r.Stdout);
    }

    [Fact]
    public void Masked_paths_are_unreadable_and_readonly_paths_unwritable()
    {
        var b = _s.NewBundle().Writable();
        Directory.CreateDirectory(Path.Join(b.Rootfs, "secret", "dir"));
        File.WriteAllText(Path.Join(b.Rootfs, "secret", "dir", "inside"), "hidden\n");
        File.WriteAllText(Path.Join(b.Rootfs, "secret", "file"), "hidden\n");
        Directory.CreateDirectory(Path.Join(b.Rootfs, "frozen"));
        b.Linux["maskedPaths"] = new JsonArray("/secret/dir", "/secret/file", "/does/not/exist");
        b.Linux["readonlyPaths"] = new JsonArray("/frozen", "/proc/sys", "/nope");
        var (o, mounts) = RunAndList(b,
            "ls /secret/dir; cat /secret/file; stat -c '%t,%T' /secret/file; touch /secret/dir/x 2>/dev/null || echo dir-ro; " +
            "touch /frozen/x 2>/dev/null || echo frozen-ro; echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null || echo procsys-ro; touch /writable && echo root-rw");
        Assert.Equal("1,3\ndir-ro\nfrozen-ro\nprocsys-ro\nroot-rw\n", o);
        Assert.Equal("tmpfs", MountLine.At(mounts, "/secret/dir").FsType);
        Assert.True(MountLine.At(mounts, "/secret/dir").Has("ro"));
        Assert.True(MountLine.At(mounts, "/frozen").Has("ro"));
        Assert.True(MountLine.At(mounts, "/proc/sys").Has("ro"));
        Assert.False(MountLine.At(mounts, "/").Has("ro"));
    }

    [Fact]
    public void Readonly_root_cannot_be_written()
    {
        var b = _s.NewBundle();
        b.Config["root"]!["readonly"] = true;
        var (o, mounts) = RunAndList(b, "touch /x 2>/dev/null || echo root-ro; touch /dev/shm/x && echo shm-rw");
        Assert.Equal("root-ro\nshm-rw\n", o);
        Assert.True(MountLine.At(mounts, "/").Has("ro"));
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("rshared")]
    [InlineData("slave")]
    [InlineData("rslave")]
    [InlineData("private")]
    [InlineData("rprivate")]
    [InlineData("unbindable")]
    [InlineData("runbindable")]
    public void RootfsPropagation_applies_to_the_containers_root(string propagation)
    {
        var b = _s.NewBundle();
        b.Linux["rootfsPropagation"] = propagation;
        string before = MountJson.HostMountInfo();
        var (_, mounts) = RunAndList(b.AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs")));
        var root = MountLine.At(mounts, "/");
        Assert.Equal(propagation.EndsWith("shared"), root.Shared);
        Assert.Equal(propagation.EndsWith("unbindable"), root.Unbindable);
        // Whatever the container's propagation, its mounts never reach the host.
        Assert.DoesNotContain(b.Dir, MountJson.HostMountInfo());
        Assert.Equal(before.Split('\n').Length, MountJson.HostMountInfo().Split('\n').Length);
    }

    [Fact]
    public void No_pivot_moves_the_rootfs_and_chroots()
    {
        var b = _s.NewBundle().AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs"));
        b.Shell($"cat /etc/passwd | head -1; grep -c ' /t ' /proc/self/mountinfo; echo {Marker}; cat /proc/self/mountinfo");
        b.Save();
        var r = _s.Oci("run", "--no-pivot", "--bundle", b.Dir, _s.NewId());
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.StartsWith("root:x:0:0:root:/root:/bin/sh\n1\n", r.Stdout);
    }

    [Fact]
    public void Without_a_mount_namespace_the_root_is_a_chroot_and_mounts_are_made_in_the_runtimes_and_removed_at_delete()
    {
        var b = _s.NewBundle().WithoutNamespace("mount").Shell("head -1 /etc/passwd; ls /bin/busybox");
        b.Config["mounts"] = new JsonArray();
        b.Linux.Remove("maskedPaths");
        b.Linux.Remove("readonlyPaths");
        b.Config["root"]!["readonly"] = false;
        // Init reopens the exec FIFO through /proc/self/fd after the chroot, so the chroot needs a /proc; without a
        // mount namespace the runtime cannot mount one, the bundle's owner must (here: the test, on the host).
        string proc = Path.Join(b.Rootfs, "proc");
        Exec.Capture("mount", "--rbind", "/proc", proc);
        RunResult r;
        try { r = _s.Run(b); }
        finally { Exec.Capture("umount", "-l", proc); }
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("root:x:0:0:root:/root:/bin/sh\n/bin/busybox\n", r.Stdout);

        // With mounts: config-linux.md, a missing namespace type is the runtime's, and config.md, the runtime MUST
        // mount the entries in order: they are made in the host's namespace (the default ones, /proc included, and
        // a tmpfs) and delete takes every one off again.
        var withMounts = _s.NewBundle().WithoutNamespace("mount").AddMount(MountJson.Mount("/t", "tmpfs", "tmpfs"))
            .Shell("grep -c ' /t ' /proc/self/mountinfo; ls /proc/self/ns/mnt");
        withMounts.Linux.Remove("maskedPaths");
        withMounts.Linux.Remove("readonlyPaths");
        // Not the cgroup mount: on the host it is a second mount of every hierarchy, which other runtimes on this
        // machine (and ocirun builds before the layout ignored repeats) take for the host's while the test runs.
        var kept = withMounts.Config["mounts"]!.AsArray().Where(m => (string?)m!["type"] != "cgroup").Select(m => m!.DeepClone()).ToArray();
        withMounts.Config["mounts"] = new JsonArray(kept);
        withMounts.Config["root"]!["readonly"] = false;
        string id = _s.NewId();
        withMounts.Save();
        var c2 = _s.Oci("create", "--bundle", withMounts.Dir, id);
        Assert.True(c2.ExitCode == 0, c2.ToString());
        Assert.Contains(" " + Path.Join(withMounts.Rootfs, "t") + " ", File.ReadAllText("/proc/self/mountinfo"));
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        LifecycleTests.WaitFor(() => (string)_s.State(id)["status"]! == "stopped");
        Assert.Equal(0, _s.Oci("delete", id).ExitCode);
        Assert.DoesNotContain(" " + withMounts.Rootfs + "/", File.ReadAllText("/proc/self/mountinfo"));
    }

    [Fact]
    public void A_bad_mount_in_the_middle_fails_and_leaves_no_mount_on_the_host()
    {
        string before = MountJson.HostMountInfo();
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/a", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/b", "bind", "/no/such/source/dir", "bind"))
            .AddMount(MountJson.Mount("/c", "tmpfs", "tmpfs"));
        b.Linux["rootfsPropagation"] = "rshared";
        b.Shell("true");
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("/no/such/source/dir", r.Stderr);
        Assert.DoesNotContain(b.Dir, MountJson.HostMountInfo());
        Assert.Equal(before.Split('\n').Length, MountJson.HostMountInfo().Split('\n').Length);
    }

    [Fact]
    public void After_delete_nothing_the_container_mounted_is_on_the_host()
    {
        string dir = HostDir("td");
        var b = _s.NewBundle("sleep", "100")
            .AddMount(MountJson.Mount("/a", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/b", "bind", dir, "rbind", "ro"));
        b.Linux["rootfsPropagation"] = "shared";
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        Assert.DoesNotContain(b.Dir, MountJson.HostMountInfo());
        Assert.Equal(0, _s.Oci("start", id).ExitCode);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
        Assert.DoesNotContain(b.Dir, MountJson.HostMountInfo());
    }

    [Theory]
    [InlineData("rshared")]
    [InlineData("shared")]
    [InlineData("rslave")]
    [InlineData(null)]
    public void Under_a_shared_host_mount_nothing_propagates_to_the_host(string? propagation)
    {
        // Hosts run by systemd have "/" shared; here the bundle is made a shared mount of its own.
        var b = _s.NewBundle("sleep", "100")
            .AddMount(MountJson.Mount("/a", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/b", "bind", "/tmp", "rbind", "rshared"));
        if (propagation is not null) b.Linux["rootfsPropagation"] = propagation;
        b.Save();
        Exec.Capture("mount", "--bind", b.Dir, b.Dir);
        try
        {
            Exec.Capture("mount", "--make-rshared", b.Dir);
            string id = _s.NewId();
            var r = _s.Oci("create", "--bundle", b.Dir, id);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain(b.Rootfs, MountJson.HostMountInfo());
            Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
            Assert.DoesNotContain(b.Rootfs, MountJson.HostMountInfo());
        }
        finally { Exec.Capture("umount", "-l", b.Dir); }
    }
}
