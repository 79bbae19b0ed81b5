using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config-linux.md devices and default devices; runtime-linux.md /dev symlinks.</summary>
public class DeviceTests
{
    const string ConfigLinuxMd = "config-linux.md";

    [Theory]
    [InlineData("/dev/null", 1, 3)]
    [InlineData("/dev/zero", 1, 5)]
    [InlineData("/dev/full", 1, 7)]
    [InlineData("/dev/random", 1, 8)]
    [InlineData("/dev/urandom", 1, 9)]
    [InlineData("/dev/tty", 5, 0)]
    [Spec(ConfigLinuxMd, "In addition to any devices configured with this setting, the runtime MUST also supply: `/dev/null` `/dev/zero` `/dev/full` `/dev/random` `/dev/urandom` `/dev/tty` ...")]
    public void DefaultDevice_IsCharDevice_Mode0666(string path, int major, int minor)
    {
        // /dev is a fresh tmpfs in the default config, so the device can only come from
        // the runtime. 0666 is what the host has and what every program assumes: a
        // non-root process must be able to write to /dev/null.
        using var c = new TestContainer();
        // busybox stat prints major and minor in hex; these are all below 10.
        c.Bundle.Args("stat", "-c", "%F %t,%T %a", path);
        Assert.Equal($"character special file {major:x},{minor:x} 666", Probe.RunOk(c).Trim());
    }

    [Fact]
    [Spec(ConfigLinuxMd, "`/dev/ptmx`. A bind-mount or symlink of the container's `/dev/pts/ptmx`.")]
    public void Ptmx_IsContainersPtsPtmx()
    {
        using var c = new TestContainer();
        // The container's own devpts instance: /dev/ptmx resolves to the same inode as
        // /dev/pts/ptmx, whichever of the two forms the runtime chose.
        c.Bundle.Shell("stat -L -c '%d:%i' /dev/ptmx /dev/pts/ptmx");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(lines[1], lines[0]);
    }

    [Theory]
    [InlineData("/dev/fd", "/proc/self/fd")]
    [InlineData("/dev/stdin", "/proc/self/fd/0")]
    [InlineData("/dev/stdout", "/proc/self/fd/1")]
    [InlineData("/dev/stderr", "/proc/self/fd/2")]
    [Spec("runtime-linux.md", "While creating the container (step 2 in the lifecycle), runtimes MUST create the following symlinks if the source file exists after processing `mounts`: /proc/self/fd → /dev/fd, /proc/self/fd/0 → /dev/stdin, /proc/self/fd/1 → /dev/stdout, /proc/self/fd/2 → /dev/stderr")]
    public void DevSymlink_Exists(string link, string target)
    {
        using var c = new TestContainer();
        c.Bundle.Args("readlink", link);
        Assert.Equal(target, Probe.RunOk(c).Trim());
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`devices`** (array of objects, OPTIONAL) lists devices that MUST be available in the container.")]
    [Spec(ConfigLinuxMd, "**`fileMode`** *(uint32, OPTIONAL)* - file mode for the device.")]
    public void ConfiguredDevice_IsCreatedWithModeAndOwner()
    {
        using var c = new TestContainer();
        c.Bundle.Linux["devices"] = new JsonArray(new JsonObject
        {
            ["path"] = "/dev/ocirun-zero",
            ["type"] = "c",
            ["major"] = 1,
            ["minor"] = 5,
            ["fileMode"] = Convert.ToInt32("660", 8),
            ["uid"] = 0,
            ["gid"] = 5,
        });
        c.Bundle.Args("stat", "-c", "%F %t,%T %a %u:%g", "/dev/ocirun-zero");
        Assert.Equal("character special file 1,5 660 0:5", Probe.RunOk(c).Trim());
    }
}
