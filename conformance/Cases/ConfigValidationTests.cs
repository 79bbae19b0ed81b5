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

    [Fact]
    [Spec(ConfigMd, "If `rlimits` contains duplicated entries with same `type`, the runtime MUST generate an error.")]
    [Trait("KnownFailure", "runc")]
    [Trait("KnownFailure", "crun")]
    public void DuplicateRlimitType_Fails()
    {
        // runc 1.1.5 and crun 1.8.1 both fail this: each applies the entries in turn and
        // the last one wins, silently. The sentence is a plain MUST (runtime-tools checks
        // it as PosixProcRlimitsErrorOnDup), so the case stays.
        using var c = new TestContainer();
        c.Bundle.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 512, ["hard"] = 1024 },
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = 256, ["hard"] = 512 });
        c.Bundle.Args("true");
        var r = c.Create();
        Assert.False(r.Succeeded, $"create accepted two RLIMIT_NOFILE entries: {r}");
    }

    [Fact]
    [Spec(ConfigMd, "The runtime MUST generate an error for any values which cannot be mapped to a relevant kernel interface.")]
    public void UnknownRlimitType_Fails()
    {
        using var c = new TestContainer();
        c.Bundle.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_OCIRUN_BOGUS", ["soft"] = 1, ["hard"] = 1 });
        c.Bundle.Args("true");
        var r = c.Create();
        Assert.False(r.Succeeded, $"create accepted an unknown rlimit type: {r}");
    }

    [Fact]
    [Spec(ConfigMd, "Runtimes MUST ignore `consoleSize` if `terminal` is `false` or unset.")]
    public void ConsoleSize_WithoutTerminal_IsIgnored()
    {
        using var c = new TestContainer();
        c.Bundle.Process["consoleSize"] = new JsonObject { ["height"] = 10, ["width"] = 20 };
        c.Bundle.Args("echo", "ok");
        Assert.Equal("ok", Probe.RunOk(c).Trim());
    }
}
