using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// checkpoint/restore go to the criu binary. Debian's CRIU 3.17 cannot initialise on this host's kernel (vdso),
/// so here the commands must fail with criu's own message, and the container must be left as it was.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();
    private readonly string _images = Directory.CreateTempSubdirectory("ocirun-test-criu-").FullName;

    private static bool CriuWorks()
    {
        if (!File.Exists("/usr/sbin/criu")) return false;
        var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/sbin/criu", "check")
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    [Fact]
    public void Checkpoint_runs_criu_and_reports_its_failure_naming_criu()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        var r = _s.Oci("checkpoint", "--image-path", _images, "--leave-running", "--tcp-established", "--file-locks", id);
        try
        {
            if (CriuWorks())
            {
                Assert.True(r.ExitCode == 0, r.ToString());
                Assert.True(File.Exists(Path.Join(_images, "inventory.img")));
            }
            else
            {
                Assert.NotEqual(0, r.ExitCode);
                Assert.Contains("criu dump failed", r.Stderr);
                Assert.Contains("vdso", r.Stderr); // criu's own words, from its log
                Assert.Equal("running", (string)_s.State(id)["status"]!);
            }
        }
        finally { Directory.Delete(_images, true); }
    }

    [Fact]
    public void Checkpoint_of_a_created_container_is_refused()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("create", "--bundle", b.Dir, id).ExitCode);
        var r = _s.Oci("checkpoint", "--image-path", _images, id);
        Directory.Delete(_images, true);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"container not running: {id} is created", r.Stderr);
    }

    [Fact]
    public void Restore_runs_criu_and_leaves_nothing_when_it_fails()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        File.WriteAllBytes(Path.Join(_images, "inventory.img"), [0]);
        var r = _s.Oci("restore", "--image-path", _images, "--bundle", b.Dir, "-d", _s.NewId());
        Directory.Delete(_images, true);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("criu restore failed", r.Stderr);
        // The Sandbox checks at Dispose that no state, cgroup or process is left.
    }

    [Fact]
    public void Restore_without_images_says_so()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        var r = _s.Oci("restore", "--image-path", _images, "--bundle", b.Dir, _s.NewId());
        Directory.Delete(_images, true);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("inventory.img", r.Stderr);
    }
}
