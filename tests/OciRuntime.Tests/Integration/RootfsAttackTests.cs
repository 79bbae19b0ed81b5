using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// A bundle that tries to make a mount land outside its rootfs (CVE-2021-30465 and friends). In every case a
/// marker directory on the host must stay empty and unmounted.
/// </summary>
public sealed class RootfsAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    private readonly string _marker = Directory.CreateTempSubdirectory("ocirun-attack-marker-").FullName;

    public void Dispose()
    {
        try { AssertHostUntouched(); }
        finally
        {
            try { Directory.Delete(_marker, true); } catch (IOException) { }
            _s.Dispose();
        }
    }

    private void AssertHostUntouched()
    {
        Assert.Empty(Directory.EnumerateFileSystemEntries(_marker));
        Assert.DoesNotContain(_marker, File.ReadAllText("/proc/self/mountinfo"));
    }

    private static string Depth(int n) => string.Concat(Enumerable.Repeat("../", n));

    [Theory]
    [InlineData("/")]
    [InlineData("../../../../../../../..")]
    [InlineData("abs-marker")]
    [InlineData("rel-marker")]
    public void Destination_through_a_symlink_stays_inside_the_rootfs(string linkKind)
    {
        var b = _s.NewBundle().Writable();
        string target = linkKind switch
        {
            "abs-marker" => _marker,
            "rel-marker" => Depth(30) + _marker.TrimStart('/'),
            _ => linkKind,
        };
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "evil"), target);
        // Through "/" or "../..": /evil/<marker path> is the marker's path, as the host would resolve it.
        string dest = linkKind is "/" or "../../../../../../../.." ? "/evil" + _marker + "/mnt" : "/evil/mnt";
        string fileDest = linkKind is "/" or "../../../../../../../.." ? "/evil" + _marker + "/file" : "/evil/file";
        string hostFile = Path.Join(Path.GetDirectoryName(_s.Root)!, "hostfile");
        File.WriteAllText(hostFile, "bound\n");
        b.AddMount(MountJson.Mount(dest, "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount(fileDest, "bind", hostFile, "bind"))
            .Shell($"touch {dest}/inside && cat {fileDest} && grep -c tmpfs /proc/self/mountinfo >/dev/null && echo ok");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("bound\nok\n", r.Stdout);
        // The mount point and file were created inside the rootfs, where the symlink leads when the rootfs is "/".
        string insideRoot = linkKind is "/" or "../../../../../../../.." ? Path.Join(b.Rootfs, _marker) : Path.Join(b.Rootfs, _marker);
        Assert.True(Directory.Exists(Path.Join(insideRoot, "mnt")), "mount point not created inside the rootfs");
        AssertHostUntouched();
    }

    [Fact]
    public void Destination_that_is_a_symlink_to_a_host_file()
    {
        var b = _s.NewBundle();
        string victim = Path.Join(_marker, "victim");
        Directory.CreateDirectory(Path.Join(b.Rootfs, "etc"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "etc", "hosts"), Depth(20) + victim.TrimStart('/'));
        string src = Path.Join(Path.GetDirectoryName(_s.Root)!, "payload");
        File.WriteAllText(src, "payload\n");
        b.AddMount(MountJson.Mount("/etc/hosts", "bind", src, "bind", "ro")).Shell("cat /etc/hosts");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("payload\n", r.Stdout);
        AssertHostUntouched();
    }

    [Fact]
    public void Bind_source_that_is_a_symlink_is_followed_on_the_host_and_mounted_inside()
    {
        string real = Path.Join(Path.GetDirectoryName(_s.Root)!, "real-src");
        Directory.CreateDirectory(real);
        File.WriteAllText(Path.Join(real, "f"), "real\n");
        string link = Path.Join(Path.GetDirectoryName(_s.Root)!, "link-src");
        File.CreateSymbolicLink(link, real);
        var b = _s.NewBundle()
            .AddMount(MountJson.Mount("/viasymlink", "bind", link, "rbind"))
            // A bind source inside the rootfs that is a symlink to "/": the host path is what a bind source means.
            .AddMount(MountJson.Mount("/dst", "bind", "rootfs/srclink", "bind", "ro"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "srclink"), _marker);
        b.Shell("cat /viasymlink/f; touch /dst/x 2>/dev/null || echo ro");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("real\nro\n", r.Stdout);
        AssertHostUntouched();
    }

    [Fact]
    public void Destination_swapped_for_a_symlink_while_the_container_starts()
    {
        var b = _s.NewBundle().Writable();
        string racy = Path.Join(b.Rootfs, "racy");
        Directory.CreateDirectory(racy);
        // The deeper destination makes the runtime create directories, the most tempting moment.
        for (int i = 0; i < 8; i++) b.AddMount(MountJson.Mount($"/racy/d{i}/deeper", "tmpfs", "tmpfs"));
        b.Shell("true");
        b.Save();

        using var stop = new CancellationTokenSource();
        var swapper = new Thread(() =>
        {
            string[] targets = [_marker, Depth(30) + _marker.TrimStart('/'), "/"];
            int n = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    string tmp = racy + ".tmp";
                    if (File.Exists(tmp) || Directory.Exists(tmp)) { try { File.Delete(tmp); } catch (IOException) { } }
                    File.CreateSymbolicLink(tmp, targets[n++ % targets.Length]);
                    // rename(2) swaps the symlink in atomically when racy is an (empty enough) directory or a link.
                    if (Directory.Exists(racy) && new DirectoryInfo(racy).LinkTarget is null)
                    {
                        try { Directory.Delete(racy, true); } catch (IOException) { }
                    }
                    File.Move(tmp, racy, true);
                    Thread.SpinWait(200);
                    File.Delete(racy);
                    Directory.CreateDirectory(racy);
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }) { IsBackground = true };
        swapper.Start();
        try
        {
            for (int i = 0; i < 15; i++)
            {
                var r = _s.Oci("run", "--bundle", b.Dir, _s.NewId());
                // Success or failure are both fine; escaping is not.
                Assert.True(r.ExitCode == 0 || r.Stderr.Length > 0, r.ToString());
                AssertHostUntouched();
            }
        }
        finally
        {
            stop.Cancel();
            swapper.Join();
        }
        AssertHostUntouched();
    }

    [Fact]
    public void Masked_and_readonly_paths_through_symlinks_stay_inside()
    {
        var b = _s.NewBundle().Writable();
        // The links lead to the marker's path. The paths are the container's, so they must resolve inside the
        // rootfs, where a copy of the marker's path holds something to hide; resolved on the host, they would find
        // the marker. Masking leaves no trace on the host (the mounts are in the container's namespace), so the
        // container's own mountinfo says where each one landed.
        string inside = Path.Join(b.Rootfs, _marker);
        Directory.CreateDirectory(Path.Join(inside, "masked"));
        File.WriteAllText(Path.Join(inside, "masked", "secret"), "visible\n");
        File.WriteAllText(Path.Join(inside, "secret-file"), "visible\n");
        Directory.CreateDirectory(Path.Join(inside, "ro"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "maskdir"), _marker + "/masked");
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "maskfile"), Depth(20) + _marker.TrimStart('/') + "/secret-file");
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "rome"), Depth(20) + _marker.TrimStart('/') + "/ro");
        b.Linux["maskedPaths"] = new System.Text.Json.Nodes.JsonArray("/maskdir", "/maskfile");
        b.Linux["readonlyPaths"] = new System.Text.Json.Nodes.JsonArray("/rome");
        b.Shell("ls -A /maskdir; cat /maskfile; stat -L -c '%t,%T' /maskfile; touch /rome/x 2>/dev/null || echo ro-refused; " +
                "touch /root-ok && echo root-rw; echo ---; cat /proc/self/mountinfo");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        int split = r.Stdout.IndexOf("---\n", StringComparison.Ordinal);
        Assert.True(split >= 0, r.ToString());
        // Nothing of the directory or the file shows, the file is /dev/null (1,3), and the read-only path refuses.
        Assert.Equal("1,3\nro-refused\nroot-rw\n", r.Stdout[..split]);

        var mounts = MountLine.Parse(r.Stdout[(split + 4)..]);
        var dir = MountLine.At(mounts, _marker + "/masked");
        Assert.Equal("tmpfs", dir.FsType);
        Assert.True(dir.Has("ro"), "the masking tmpfs is writable");
        Assert.Equal("/null", MountLine.At(mounts, _marker + "/secret-file").Root);
        var ro = MountLine.At(mounts, _marker + "/ro");
        Assert.True(ro.Has("ro"), "the read-only path is mounted writable");
        // A bind of the rootfs's own directory, not of the host's marker.
        Assert.EndsWith("/rootfs" + _marker + "/ro", ro.Root);
        // The links themselves are not mount points, and nothing else was mounted over the marker's path.
        Assert.DoesNotContain(mounts, m => m.MountPoint is "/maskdir" or "/maskfile" or "/rome" || m.MountPoint == _marker);
        AssertHostUntouched();
    }
}
