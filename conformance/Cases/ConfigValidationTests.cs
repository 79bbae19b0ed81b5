using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config.md "Extensibility" and "Valid values": what a runtime accepts and refuses.</summary>
public class ConfigValidationTests
{
    const string ConfigMd = "config.md";

    [Fact]
    [Spec(ConfigMd, "Runtimes MAY log unknown properties but MUST otherwise ignore them. That includes not generating errors if they encounter an unknown property.")]
    public void UnknownProperties_AreIgnored()
    {
        using var c = new TestContainer();
        c.Bundle.Config["org.ocirun.unknownTopLevel"] = new JsonObject { ["x"] = 1 };
        c.Bundle.Process["ocirunUnknownProcessField"] = "ignored";
        c.Bundle.Linux["ocirunUnknownLinuxField"] = new JsonArray(1, 2, 3);
        c.Bundle.Args("echo", "ok");
        Assert.Equal("ok", Probe.RunOk(c).Trim());
    }

    [Fact]
    [Spec(ConfigMd, "Runtimes MUST generate an error when invalid or unsupported values are encountered.")]
    [Spec("runtime.md", "If the runtime cannot create the container as specified in `config.json`, it MUST generate an error and a new container MUST NOT be created.")]
    public void InvalidNamespaceType_FailsAndCreatesNothing()
    {
        using var c = new TestContainer();
        c.Bundle.AddNamespace("ocirun-bogus");
        c.Bundle.Args("true");
        var r = c.Create();
        Assert.False(r.Succeeded, $"create with an unknown namespace type succeeded: {r}");
        Assert.False(c.State().Succeeded, "a container exists after the failed create");
    }

    [Fact]
    [Spec(ConfigMd, "**`path`** (string, REQUIRED) Specifies the path to the root filesystem for the container.")]
    [Spec("runtime.md", "If the runtime cannot create the container as specified in `config.json`, it MUST generate an error and a new container MUST NOT be created.")]
    public void MissingRootfs_FailsAndCreatesNothing()
    {
        using var c = new TestContainer();
        c.Bundle.Config["root"]!["path"] = "no-such-rootfs";
        var r = c.Create();
        Assert.False(r.Succeeded, $"create with a missing rootfs succeeded: {r}");
        Assert.False(c.State().Succeeded, "a container exists after the failed create");
        Assert.False(Directory.Exists(HostCgroup.Dir("pids", c.CgroupsPath)), "the failed create left its cgroup behind");
    }

    [Fact]
    [Spec(ConfigMd, "This specification extends the IEEE standard in that at least one entry is REQUIRED (non-Windows), and that entry is used with the same semantics as `execvp`'s *file*.")]
    [Spec(ConfigMd, "Runtimes MUST generate an error when invalid or unsupported values are encountered.")]
    public void ProcessArgsNotFound_Fails()
    {
        // Whether the error comes at create (runc) or at start (crun looks the binary up
        // later), the runtime must not report success for a program that cannot run.
        using var c = new TestContainer();
        c.Bundle.Args("/no/such/program");
        var r = c.Run();
        Assert.NotEqual(0, r.ExitCode);
    }
}
