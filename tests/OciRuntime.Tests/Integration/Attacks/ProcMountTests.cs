using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2023-27561 / CVE-2025-52881 class: an image that moves /proc, or a mount that lands inside /proc through a
/// symlink, so that procfs is mounted where the runtime does not expect it, or the files it writes through
/// (sysctls, attributes) are covered. Both are refused, naming the mount (runc's checkProcMount rules).
/// </summary>
public sealed class ProcMountTests : IDisposable
{
    private readonly Sandbox _s = new();

    public void Dispose() => _s.Dispose();

    private static bool IsOcirun => Path.GetFileName(RuntimeBinary.Path) == "ocirun";

    [Fact]
    public void Proc_is_not_mounted_through_an_image_symlink()
    {
        var b = _s.NewBundle("true");
        string moved = Path.Join(b.Rootfs, "tmp", "p");
        Directory.CreateDirectory(moved);
        Directory.Delete(Path.Join(b.Rootfs, "proc"), true);
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "proc"), "/tmp/p");
        var r = _s.Run(b);
        Assert.True(r.ExitCode != 0, "procfs was mounted through the image's /proc -> /tmp/p: " + r);
        if (IsOcirun)
        {
            Assert.Contains("mounts[0].destination \"/proc\"", r.Stderr);
            Assert.Contains("must be mounted on ordinary directory", r.Stderr);
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(moved));
    }

    [Fact]
    public void A_mount_whose_destination_resolves_into_proc_is_refused()
    {
        var b = _s.NewBundle("true").AddMount(MountJson.Mount("/x/kernel", "tmpfs", "tmpfs"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "x"), "/proc/sys");
        int index = b.Config["mounts"]!.AsArray().Count - 1;
        var r = _s.Run(b);
        Assert.True(r.ExitCode != 0, "a tmpfs was mounted over /proc/sys/kernel through /x -> /proc/sys: " + r);
        if (IsOcirun)
        {
            Assert.Contains($"mounts[{index}].destination \"/x/kernel\"", r.Stderr);
            Assert.Contains("inside /proc", r.Stderr);
        }
    }

    [Fact]
    public void A_bind_over_a_file_lxcfs_emulates_is_allowed()
    {
        string fake = Path.Join(Path.GetDirectoryName(_s.Root)!, "uptime");
        File.WriteAllText(fake, "12345.67 89.01\n");
        var b = _s.NewBundle("cat", "/proc/uptime").AddMount(MountJson.Mount("/proc/uptime", "bind", fake, "bind", "ro"));
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("12345.67 89.01\n", r.Stdout);
    }
}
