using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2025-31133 class: the masks are made from the container's /dev/null, and /dev here is a directory shared
/// with the host (a bind of it), so whoever writes that directory decides what /dev/null is. A planted file or
/// symlink must not become what /proc/keys and /proc/timer_list show, and a missing null must not make the masks
/// vanish: the runtime refuses, naming linux.maskedPaths.
/// </summary>
public sealed class MaskAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const string Planted = "planted-not-a-mask";

    /// <summary>A bundle whose /dev is a bind of <paramref name="devDir"/> (the config's /dev tmpfs removed; the
    /// other /dev mounts stay under it). The process prints the mounts at the two masked files and their content.</summary>
    private Bundle SharedDevBundle(string devDir)
    {
        var b = _s.NewBundle();
        var mounts = b.Config["mounts"]!.AsArray();
        var dev = mounts.First(m => (string)m!["destination"]! == "/dev")!;
        mounts.Insert(mounts.IndexOf(dev), MountJson.Mount("/dev", "bind", devDir, "rbind"));
        mounts.Remove(dev);
        b.Linux["maskedPaths"] = new JsonArray("/proc/keys", "/proc/timer_list");
        File.WriteAllText(Path.Join(b.Rootfs, "secret"), Planted + "\n");
        b.Shell("grep -E ' /proc/(keys|timer_list) ' /proc/self/mountinfo | wc -l; cat /proc/keys /proc/timer_list 2>&1 | head -c 200");
        return b;
    }

    private string DevDir()
    {
        string dir = Path.Join(Path.GetDirectoryName(_s.Root)!, "shared-dev");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Safe outcomes: a refusal naming the field, or both masks present and nothing planted visible.</summary>
    private static void AssertMasked(RunResult r)
    {
        if (r.ExitCode != 0)
        {
            Assert.True(r.Stderr.Contains("linux.maskedPaths[", StringComparison.Ordinal), "the error does not name the field: " + r);
            return;
        }
        var lines = r.Stdout.Split('\n');
        Assert.True(lines[0].Trim() == "2", "a mask is missing: " + r);
        Assert.DoesNotContain(Planted, r.Stdout);
    }

    [Fact]
    public void Null_that_is_a_regular_file_is_refused()
    {
        string dev = DevDir();
        File.WriteAllText(Path.Join(dev, "null"), Planted + "\n");
        AssertMasked(_s.Run(SharedDevBundle(dev)));
    }

    [Fact]
    public void Null_that_is_a_symlink_to_another_file_is_refused()
    {
        // The real attack points it at /proc/sys/kernel/core_pattern; a file of the image stands in for it here.
        string dev = DevDir();
        File.CreateSymbolicLink(Path.Join(dev, "null"), "/secret");
        AssertMasked(_s.Run(SharedDevBundle(dev)));
    }

    [Fact]
    public void Missing_null_does_not_make_the_masks_vanish()
    {
        AssertMasked(_s.Run(SharedDevBundle(DevDir())));
    }

    [Fact]
    public void Null_that_is_another_device_is_refused()
    {
        string dev = DevDir();
        // char 1:5 is /dev/zero: readable, but not a mask.
        var mknod = HostShell.Run(_s, $"mknod {Path.Join(dev, "null")} c 1 5");
        Assert.True(mknod.ExitCode == 0, mknod.ToString());
        var r = _s.Run(SharedDevBundle(dev));
        if (r.ExitCode != 0) Assert.Contains("linux.maskedPaths[", r.Stderr);
        else Assert.Fail("masked with /dev/zero: " + r);
    }

    [Fact]
    public void Masks_from_the_real_null_and_missing_destinations_still_work()
    {
        var b = _s.NewBundle();
        b.Linux["maskedPaths"] = new JsonArray("/proc/keys", "/proc/no-such-file", "/sys/firmware");
        b.Linux["readonlyPaths"] = new JsonArray("/proc/sys", "/proc/no-such-dir");
        b.Shell("grep -cE ' /proc/keys | /sys/firmware ' /proc/self/mountinfo; wc -c < /proc/keys; ls /sys/firmware | wc -l; " +
                "echo 1 > /proc/sys/kernel/shmmni 2>/dev/null || echo ro");
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("2\n0\n0\nro\n", r.Stdout);
    }
}
