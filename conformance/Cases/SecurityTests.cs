using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config.md process: capabilities, noNewPrivileges, rlimits, oomScoreAdj.</summary>
public class SecurityTests
{
    const string ConfigMd = "config.md";

    static readonly Dictionary<string, int> CapBits = new()
    {
        ["CAP_CHOWN"] = 0, ["CAP_DAC_OVERRIDE"] = 1, ["CAP_KILL"] = 5,
        ["CAP_NET_BIND_SERVICE"] = 10, ["CAP_NET_RAW"] = 13, ["CAP_AUDIT_WRITE"] = 29,
    };

    static JsonArray Caps(params string[] names) => new(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray());

    static string Mask(params string[] names) =>
        names.Aggregate(0UL, (m, n) => m | 1UL << CapBits[n]).ToString("x16");

    [Fact]
    [Spec(ConfigMd, "**`effective`** (array of strings, OPTIONAL) the `effective` field is an array of effective capabilities that are kept for the process.")]
    [Spec(ConfigMd, "**`bounding`** (array of strings, OPTIONAL) the `bounding` field is an array of bounding capabilities that are kept for the process.")]
    [Spec(ConfigMd, "**`inheritable`** (array of strings, OPTIONAL) the `inheritable` field is an array of inheritable capabilities that are kept for the process.")]
    [Spec(ConfigMd, "**`permitted`** (array of strings, OPTIONAL) the `permitted` field is an array of permitted capabilities that are kept for the process.")]
    [Spec(ConfigMd, "**`ambient`** (array of strings, OPTIONAL) the `ambient` field is an array of ambient capabilities that are kept for the process.")]
    public void Capabilities_Root_AllFiveSets()
    {
        // For uid 0 the kernel recomputes permitted and effective at execve as
        // bounding | inheritable, so the config keeps effective = permitted = bounding and
        // inheritable ⊂ bounding; otherwise no runtime could produce the literal sets.
        // Ambient needs the capability in inheritable and permitted.
        string[] full = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_AUDIT_WRITE"];
        using var c = new TestContainer();
        c.Bundle.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Caps(full),
            ["effective"] = Caps(full),
            ["permitted"] = Caps(full),
            ["inheritable"] = Caps("CAP_KILL", "CAP_NET_BIND_SERVICE"),
            ["ambient"] = Caps("CAP_NET_BIND_SERVICE"),
        };
        c.Bundle.Args("cat", "/proc/self/status");
        string status = Probe.RunOk(c);
        Assert.Equal(Mask(full), Probe.Field(status, "CapBnd"));
        Assert.Equal(Mask(full), Probe.Field(status, "CapEff"));
        Assert.Equal(Mask(full), Probe.Field(status, "CapPrm"));
        Assert.Equal(Mask("CAP_KILL", "CAP_NET_BIND_SERVICE"), Probe.Field(status, "CapInh"));
        Assert.Equal(Mask("CAP_NET_BIND_SERVICE"), Probe.Field(status, "CapAmb"));
    }

    [Fact]
    [Spec(ConfigMd, "**`ambient`** (array of strings, OPTIONAL) the `ambient` field is an array of ambient capabilities that are kept for the process.")]
    public void Capabilities_NonRoot_AmbientSurvivesExec()
    {
        // A non-root process keeps capabilities across execve only through the ambient
        // set; this is how engines give CAP_NET_BIND_SERVICE to a non-root service.
        using var c = new TestContainer();
        c.Bundle.Process["user"] = new JsonObject { ["uid"] = 1000, ["gid"] = 1000 };
        c.Bundle.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = Caps("CAP_NET_BIND_SERVICE", "CAP_KILL"),
            ["effective"] = Caps("CAP_NET_BIND_SERVICE"),
            ["permitted"] = Caps("CAP_NET_BIND_SERVICE"),
            ["inheritable"] = Caps("CAP_NET_BIND_SERVICE"),
            ["ambient"] = Caps("CAP_NET_BIND_SERVICE"),
        };
        c.Bundle.Args("cat", "/proc/self/status");
        string status = Probe.RunOk(c);
        Assert.Equal(Mask("CAP_NET_BIND_SERVICE", "CAP_KILL"), Probe.Field(status, "CapBnd"));
        Assert.Equal(Mask("CAP_NET_BIND_SERVICE"), Probe.Field(status, "CapEff"));
        Assert.Equal(Mask("CAP_NET_BIND_SERVICE"), Probe.Field(status, "CapPrm"));
        Assert.Equal(Mask("CAP_NET_BIND_SERVICE"), Probe.Field(status, "CapAmb"));
    }

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    [Spec(ConfigMd, "**`noNewPrivileges`** (bool, OPTIONAL) setting `noNewPrivileges` to true prevents the process from gaining additional privileges.")]
    public void NoNewPrivileges_IsApplied(bool value, string expected)
    {
        using var c = new TestContainer();
        c.Bundle.Process["noNewPrivileges"] = value;
        c.Bundle.Args("cat", "/proc/self/status");
        Assert.Equal(expected, Probe.Field(Probe.RunOk(c), "NoNewPrivs"));
    }

    [Fact]
    [Spec(ConfigMd, "For each entry in `rlimits`, a `getrlimit(3)` on `type` MUST succeed.")]
    [Spec(ConfigMd, "**`soft`** (uint64, REQUIRED) the value of the limit enforced for the corresponding resource. `rlim.rlim_cur` MUST match the configured value.")]
    [Spec(ConfigMd, "**`hard`** (uint64, REQUIRED) the ceiling for the soft limit that could be set by an unprivileged process. `rlim.rlim_max` MUST match the configured value.")]
    public void Rlimits_AreApplied()
    {
        // Only lowered: root on this VM lacks CAP_SYS_RESOURCE, so no runtime could raise
        // a hard limit above the one it inherits from the test.
        ulong nofileHard = Math.Min(HostHardLimit("Max open files"), 1000);
        ulong coreHard = Math.Min(HostHardLimit("Max core file size"), 4096);
        using var c = new TestContainer();
        c.Bundle.Process["rlimits"] = new JsonArray(
            new JsonObject { ["type"] = "RLIMIT_NOFILE", ["soft"] = nofileHard / 2, ["hard"] = nofileHard },
            new JsonObject { ["type"] = "RLIMIT_CORE", ["soft"] = 0, ["hard"] = coreHard });
        c.Bundle.Args("cat", "/proc/self/limits");
        string limits = Probe.RunOk(c);
        Assert.Equal((nofileHard / 2, nofileHard), Limit(limits, "Max open files"));
        Assert.Equal((0UL, coreHard), Limit(limits, "Max core file size"));
    }

    [Fact]
    [Spec(ConfigMd, "If `oomScoreAdj` is set, the runtime MUST set `oom_score_adj` to the given value.")]
    public void OomScoreAdj_IsSet()
    {
        // Raising the score needs no privilege, lowering below the parent's does.
        using var c = new TestContainer();
        c.Bundle.Process["oomScoreAdj"] = 567;
        c.Bundle.Args("cat", "/proc/self/oom_score_adj");
        Assert.Equal("567", Probe.RunOk(c).Trim());
    }

    [Fact]
    [Spec(ConfigMd, "If `oomScoreAdj` is not set, the runtime MUST NOT change the value of `oom_score_adj`.")]
    public void OomScoreAdj_Unset_IsInherited()
    {
        using var c = new TestContainer();
        c.Bundle.Process.Remove("oomScoreAdj");
        c.Bundle.Args("cat", "/proc/self/oom_score_adj");
        // The runtime is started by this test process, so it and the container inherit ours.
        string ours = File.ReadAllText("/proc/self/oom_score_adj").Trim();
        Assert.Equal(ours, Probe.RunOk(c).Trim());
    }

    static ulong HostHardLimit(string name) => Limit(File.ReadAllText("/proc/self/limits"), name).Hard;

    static (ulong Soft, ulong Hard) Limit(string limits, string name)
    {
        var line = limits.Split('\n').FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"no '{name}' in:\n{limits}");
        var fields = line[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (ParseLimit(fields[0]), ParseLimit(fields[1]));
    }

    static ulong ParseLimit(string s) => s == "unlimited" ? ulong.MaxValue : ulong.Parse(s);
}
