using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2025-52565 class: the image plants <c>/dev/console</c> as a symlink to a file it wants covered (the real
/// attack aims at /proc/sys/kernel/core_pattern; a file of the image stands in for it here). The runtime must not
/// mount the pty onto the symlink's target, and must not silently go without /dev/console either: it refuses,
/// naming process.terminal, or /dev/console is the pty.
/// </summary>
public sealed class ConsoleAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    /// <summary>A terminal bundle whose /dev is the image's own directory (no tmpfs over it), so what the image
    /// plants there is what the runtime finds.</summary>
    private Bundle ImageDevBundle()
    {
        var b = _s.NewBundle();
        var mounts = b.Config["mounts"]!.AsArray();
        mounts.Remove(mounts.First(m => (string)m!["destination"]! == "/dev"));
        b.Process["terminal"] = true;
        File.WriteAllText(Path.Join(b.Rootfs, "victim"), "victim\n");
        b.Shell("echo mounts-$(grep -cE ' /(dev/console|victim) ' /proc/self/mountinfo); " +
                "grep -E ' /(dev/console|victim) ' /proc/self/mountinfo; echo done-marker; sleep 1000");
        return b;
    }

    private void AssertSafe(Bundle b, string[] wantMounts)
    {
        b.Save();
        using var sock = new ConsoleReceiver();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--console-socket", sock.Path, "--bundle", b.Dir, id);
        if (r.ExitCode != 0)
        {
            Assert.True(r.Stderr.Contains("process.terminal", StringComparison.Ordinal) || r.Stderr.Contains("console", StringComparison.OrdinalIgnoreCase),
                "the error does not name the console: " + r);
            return;
        }
        using var master = sock.Master(TimeSpan.FromSeconds(10));
        string text = master.ReadUntil("done-marker", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(" /victim ", text);
        foreach (var want in wantMounts) Assert.True(text.Contains(want, StringComparison.Ordinal), $"no mount at {want.Trim()}: {text}");
        Assert.Equal("victim\n", File.ReadAllText(Path.Join(b.Rootfs, "victim")));
    }

    [Fact]
    public void Console_planted_as_a_symlink_is_refused_or_never_mounted_on_its_target()
    {
        var b = ImageDevBundle();
        Directory.CreateDirectory(Path.Join(b.Rootfs, "dev"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "dev", "console"), "/victim");
        AssertSafe(b, [" /dev/console "]);
    }

    [Fact]
    public void Console_planted_as_a_relative_symlink_is_refused_or_never_mounted_on_its_target()
    {
        var b = ImageDevBundle();
        Directory.CreateDirectory(Path.Join(b.Rootfs, "dev"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "dev", "console"), "../victim");
        AssertSafe(b, [" /dev/console "]);
    }

    [Fact]
    public void Console_is_the_pty_when_nothing_is_planted()
    {
        var b = ImageDevBundle();
        AssertSafe(b, [" /dev/console "]);
    }
}
