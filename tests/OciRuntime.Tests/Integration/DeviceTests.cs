using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>/dev when the config does not bind one: default devices, links, linux.devices; checked with stat.</summary>
public sealed class DeviceTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private string[] RunLines(Bundle b)
    {
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Default_devices_are_character_devices_with_mode_0666()
    {
        var b = _s.NewBundle().Shell("for d in null zero full random urandom tty; do stat -c '%n %F %t,%T %a %u:%g' /dev/$d; done");
        Assert.Equal(
        [
            "/dev/null character special file 1,3 666 0:0", "/dev/zero character special file 1,5 666 0:0",
            "/dev/full character special file 1,7 666 0:0", "/dev/random character special file 1,8 666 0:0",
            "/dev/urandom character special file 1,9 666 0:0", "/dev/tty character special file 5,0 666 0:0",
        ], RunLines(b));
    }

    [Fact]
    public void Links_and_shm()
    {
        var b = _s.NewBundle().Shell(
            "for l in ptmx fd stdin stdout stderr core; do echo $l=$(readlink /dev/$l); done; stat -c '%F' /dev/shm; " +
            "grep ' /dev/shm ' /proc/self/mountinfo | sed 's/.* - //' | cut -d' ' -f1; stat -c '%F %t,%T' /dev/pts/ptmx");
        // /dev/core only where the kernel has /proc/kcore (CONFIG_PROC_KCORE), as runc.
        string core = File.Exists("/proc/kcore") ? "/proc/kcore" : "";
        Assert.Equal(
        [
            "ptmx=pts/ptmx", "fd=/proc/self/fd", "stdin=/proc/self/fd/0", "stdout=/proc/self/fd/1", "stderr=/proc/self/fd/2",
            "core=" + core, "directory", "tmpfs", "character special file 5,2",
        ], RunLines(b));
    }

    private static JsonObject Device(string path, string type, int major, int minor, string mode, int uid, int gid) => new()
    {
        ["path"] = path, ["type"] = type, ["major"] = major, ["minor"] = minor,
        ["fileMode"] = Convert.ToInt32(mode, 8), ["uid"] = uid, ["gid"] = gid,
    };

    [Fact]
    public void Configured_devices_of_every_type_are_made_with_mknod()
    {
        var b = _s.NewBundle();
        b.Linux["devices"] = new JsonArray(
            Device("/dev/my-char", "c", 1, 5, "620", 1000, 5),
            Device("/dev/my-block", "b", 7, 200, "640", 0, 6),
            Device("/dev/my-unbuffered", "u", 1, 3, "600", 2, 3),
            Device("/dev/my-fifo", "p", 0, 0, "644", 7, 8),
            Device("/dev/sub/dir/nested", "c", 1, 7, "666", 0, 0),
            // Replaces a default device: the config decides.
            Device("/dev/null", "c", 1, 3, "600", 0, 0));
        b.Shell("for d in my-char my-block my-unbuffered my-fifo sub/dir/nested null; do stat -c '%n %F %t,%T %a %u:%g' /dev/$d; done");
        Assert.Equal(
        [
            "/dev/my-char character special file 1,5 620 1000:5",
            "/dev/my-block block special file 7,c8 640 0:6",
            "/dev/my-unbuffered character special file 1,3 600 2:3",
            "/dev/my-fifo fifo 0,0 644 7:8",
            "/dev/sub/dir/nested character special file 1,7 666 0:0",
            "/dev/null character special file 1,3 600 0:0",
        ], RunLines(b));
    }

    [Fact]
    public void Inside_a_user_namespace_devices_are_bound_from_the_host()
    {
        var b = _s.NewBundle().UserNamespace();
        b.Linux["devices"] = new JsonArray(Device("/dev/full", "c", 1, 7, "666", 0, 0));
        b.Shell("for d in null zero full tty; do stat -c '%n %F %t,%T' /dev/$d; done; grep -c ' /dev/null ' /proc/self/mountinfo; echo x > /dev/null && echo null-writable");
        Assert.Equal(
        [
            "/dev/null character special file 1,3", "/dev/zero character special file 1,5",
            "/dev/full character special file 1,7", "/dev/tty character special file 5,0", "1", "null-writable",
        ], RunLines(b));
    }

    [Fact]
    public void A_bound_dev_is_left_alone()
    {
        var b = _s.NewBundle();
        var mounts = b.Config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => ((string)m!["destination"]!).StartsWith("/dev", StringComparison.Ordinal)).ToList()) mounts.Remove(m);
        b.AddMount(MountJson.Mount("/dev", "bind", "/dev", "rbind", "nosuid"));
        b.Shell("test -e /dev/ptmx && readlink /dev/ptmx || echo ptmx-not-a-link; test -L /dev/stdin || echo no-stdin-link-made");
        var lines = RunLines(b);
        Assert.Contains("ptmx-not-a-link", lines);
    }
}
