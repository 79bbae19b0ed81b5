using OciRuntime.Interop;
using OciRuntime.Rootfs;

namespace OciRuntime.Tests.Unit;

public sealed class MountOptionParserTests
{
    [Fact]
    public void Flags_clears_data_and_extensions()
    {
        var o = MountOptionParser.Parse(["ro", "nosuid", "suid", "nodev", "size=1m", "rbind", "rshared", "tmpcopyup", "mode=755", "idmap"]);
        Assert.Equal(Sys.MS_RDONLY | Sys.MS_NODEV | Sys.MS_BIND | Sys.MS_REC, o.Flags);
        Assert.Equal(Sys.MS_NOSUID, o.Cleared);
        Assert.Equal("size=1m,mode=755", o.Data);
        Assert.Equal([Sys.MS_SHARED | Sys.MS_REC], o.Propagation);
        Assert.True(o.TmpCopyUp && o.IdMap && !o.RecursiveIdMap && o.IsRecursiveBind);
    }

    [Fact]
    public void Later_options_win()
    {
        var o = MountOptionParser.Parse(["rw", "ro", "exec", "noexec", "noexec", "exec"]);
        Assert.Equal(Sys.MS_RDONLY, o.Flags);
        Assert.Equal(Sys.MS_NOEXEC, o.Cleared);
    }

    [Fact]
    public void Recursive_attributes_and_the_atime_field()
    {
        var o = MountOptionParser.Parse(["rro", "rnosuid", "rnoatime"]);
        Assert.Equal(0x1UL | 0x2 | 0x10, o.RecursiveSet);
        Assert.Equal(0x70UL, o.RecursiveClear & 0x70);
        var r = MountOptionParser.Parse(["rrw", "rexec", "rrelatime"]);
        Assert.Equal(0UL, r.RecursiveSet);
        Assert.Equal(0x1UL | 0x8 | 0x70, r.RecursiveClear);
    }

    [Fact]
    public void Nothing_is_nothing()
    {
        var o = MountOptionParser.Parse(null);
        Assert.Equal(0UL, o.Flags);
        Assert.Null(o.Data);
        Assert.Empty(o.Propagation);
    }

    [Fact]
    public void Dev_setup_is_skipped_only_for_a_bound_dev()
    {
        Assert.True(DevSetup.NeedsSetup([new OciSpec.Mount { Destination = "/dev", Type = "tmpfs" }]));
        Assert.False(DevSetup.NeedsSetup([new OciSpec.Mount { Destination = "/dev/", Type = "bind", Source = "/dev" }]));
        Assert.False(DevSetup.NeedsSetup([new OciSpec.Mount { Destination = "dev", Type = "none", Source = "/dev", Options = ["rbind"] }]));
    }
}

/// <summary>The mount family's Resolve routine (a destination made where missing, resolved inside the root) against
/// symlinks that point out of the root: everything lands inside.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class ResolveInRootTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ocirun-rootfsdir-").FullName;
    private readonly string _outside = Directory.CreateTempSubdirectory("ocirun-rootfsdir-outside-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, true);
        Directory.Delete(_outside, true);
    }

    private void Make(string path, bool asFile = false)
    {
        using var p = new OciRuntime.Launch.Setup.SetupProgram();
        var z = p.Seal(-1);
        var op = new OciRuntime.Launch.Setup.SetupOp { Kind = OciRuntime.Launch.Setup.MountRoutines.Resolve, Out = -1 };
        long* a = stackalloc long[OciRuntime.Launch.Setup.SetupOp.ArgCount];
        int root = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, _root, Sys.O_PATH | Sys.O_DIRECTORY), "open root");
        try
        {
            string rel = path.TrimStart('/');
            a[0] = root; a[1] = (long)p.Str(rel.Length == 0 ? "." : rel); a[2] = asFile ? 1 : 0; a[3] = 0x1ed;
            long fd = OciRuntime.Launch.Setup.MountRoutines.Run(z, &op, a);
            if (fd < 0) throw new SyscallException($"resolve {path} (detail {z->Detail})", (int)-fd);
            Sys.Close((int)fd);
        }
        finally { Sys.Close(root); }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("../../../../..")]
    public void Symlink_to_the_top_is_the_root(string target)
    {
        File.CreateSymbolicLink(Path.Join(_root, "evil"), target);
        Make("/evil" + _outside + "/a/b");
        Assert.True(Directory.Exists(Path.Join(_root, _outside, "a", "b")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void Dangling_symlinks_absolute_and_relative_are_created_inside()
    {
        File.CreateSymbolicLink(Path.Join(_root, "abs"), _outside + "/x");
        File.CreateSymbolicLink(Path.Join(_root, "rel"), "../../../../../../.." + _outside + "/y");
        Make("/abs/deeper");
        Make("/rel/file", asFile: true);
        Assert.True(Directory.Exists(Path.Join(_root, _outside, "x", "deeper")));
        Assert.True(File.Exists(Path.Join(_root, _outside, "y", "file")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_outside));
    }

    [Fact]
    public void Symlink_loops_fail()
    {
        File.CreateSymbolicLink(Path.Join(_root, "a"), "b");
        File.CreateSymbolicLink(Path.Join(_root, "b"), "a");
        Assert.ThrowsAny<Exception>(() => Make("/a/c"));
    }

    [Fact]
    public void A_file_destination_is_a_file_and_existing_paths_are_reused()
    {
        Make("/etc/conf", asFile: true);
        Assert.True(File.Exists(Path.Join(_root, "etc", "conf")));
        Make("/etc/conf", asFile: true);
        Make("/etc");
        Assert.True(Directory.Exists(Path.Join(_root, "etc")));
    }
}
