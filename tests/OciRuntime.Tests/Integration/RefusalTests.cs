using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>What ocirun cannot do here is refused: exit non-zero, one line naming the field or flag, and nothing left
/// behind (no state entry, cgroup or process: the Sandbox checks at Dispose).</summary>
public sealed class RefusalTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private void AssertRefused(RunResult r, string field)
    {
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(field, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Empty(Directory.Exists(_s.Root) ? Directory.GetDirectories(_s.Root).Where(d => Path.GetFileName(d).StartsWith("ocirun-test")) : []);
    }

    private static bool HostHasResctrl() => File.ReadLines("/proc/self/mountinfo").Any(l => l.Contains(" - resctrl "));

    [SkippableFact]
    public void IntelRdt_without_resctrl_is_refused_naming_the_field()
    {
        Skip.If(HostHasResctrl(), "this host has resctrl mounted: the config would be honoured");
        var b = _s.NewBundle("true");
        b.Linux["intelRdt"] = new JsonObject { ["closID"] = "guaranteed_group", ["l3CacheSchema"] = "L3:0=7f0" };
        var r = _s.Run(b);
        AssertRefused(r, "linux.intelRdt.l3CacheSchema");
        Assert.Contains("Intel RDT is not enabled", r.Stderr);
    }

    [SkippableFact]
    public void IntelRdt_monitoring_alone_without_resctrl_is_refused()
    {
        Skip.If(HostHasResctrl(), "this host has resctrl mounted: the config would be honoured");
        var b = _s.NewBundle("true");
        b.Linux["intelRdt"] = new JsonObject { ["enableMonitoring"] = true };
        AssertRefused(_s.Run(b), "linux.intelRdt.enableMonitoring");
    }

    [Fact]
    public void Windows_only_process_fields_are_refused()
    {
        var b = _s.NewBundle("true");
        b.Process["commandLine"] = "cmd /c dir";
        AssertRefused(_s.Run(b), "process.commandLine");

        b = _s.NewBundle("true");
        b.Process["user"]!["username"] = "root";
        AssertRefused(_s.Run(b), "process.user.username");
    }

    [Theory]
    [InlineData("root.readonly")]
    [InlineData("linux.maskedPaths")]
    [InlineData("linux.readonlyPaths")]
    [InlineData("linux.rootfsPropagation")]
    public void Root_setup_fields_without_a_mount_namespace_are_refused(string field)
    {
        // Left to the runtime's namespace they would change the host's mounts; nothing is mounted before the refusal.
        var b = _s.NewBundle("true").WithoutNamespace("mount");
        b.Config["mounts"] = new JsonArray();
        b.Config["root"]!["readonly"] = field == "root.readonly";
        if (field != "linux.maskedPaths") b.Linux.Remove("maskedPaths");
        if (field != "linux.readonlyPaths") b.Linux.Remove("readonlyPaths");
        if (field == "linux.rootfsPropagation") b.Linux["rootfsPropagation"] = "rslave";
        var r = _s.Run(b);
        AssertRefused(r, field);
        Assert.Contains("needs a mount namespace", r.Stderr);
    }

    [Theory]
    [InlineData("--console-socket", "/nonexistent.sock")]
    [InlineData("--no-pivot", null)]
    public void Restore_flags_ocirun_cannot_honour_are_refused(string flag, string? value)
    {
        string images = Directory.CreateTempSubdirectory("ocirun-test-images-").FullName;
        try
        {
            var b = _s.NewBundle("sleep", "1000");
            b.Save();
            File.WriteAllBytes(Path.Join(images, "inventory.img"), [0]);
            string[] args = ["restore", "--image-path", images, "--bundle", b.Dir, "-d", flag, .. value is null ? Array.Empty<string>() : [value], _s.NewId()];
            AssertRefused(_s.Oci(args), "restore " + flag);
        }
        finally { Directory.Delete(images, true); }
    }

    [Fact]
    public void Restore_in_the_foreground_is_refused()
    {
        string images = Directory.CreateTempSubdirectory("ocirun-test-images-").FullName;
        try
        {
            var b = _s.NewBundle("sleep", "1000");
            b.Save();
            File.WriteAllBytes(Path.Join(images, "inventory.img"), [0]);
            AssertRefused(_s.Oci("restore", "--image-path", images, "--bundle", b.Dir, _s.NewId()), "--detach");
        }
        finally { Directory.Delete(images, true); }
    }
}
