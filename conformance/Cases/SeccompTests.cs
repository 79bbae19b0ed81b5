using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config-linux.md seccomp: actions and argument rules, observed through busybox.</summary>
public class SeccompTests
{
    const string ConfigLinuxMd = "config-linux.md";

    static JsonObject Rule(string[] names, string action, int? errnoRet = null, JsonArray? args = null)
    {
        var rule = new JsonObject
        {
            ["names"] = new JsonArray(names.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            ["action"] = action,
        };
        if (errnoRet != null) rule["errnoRet"] = errnoRet;
        if (args != null) rule["args"] = args;
        return rule;
    }

    static void SetSeccomp(TestContainer c, params JsonObject[] rules) =>
        c.Bundle.Linux["seccomp"] = new JsonObject
        {
            ["defaultAction"] = "SCMP_ACT_ALLOW",
            ["architectures"] = new JsonArray("SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"),
            ["syscalls"] = new JsonArray(rules.Cast<JsonNode>().ToArray()),
        };

    [Fact]
    [Spec(ConfigLinuxMd, "**`defaultAction`** *(string, REQUIRED)* - the default action for seccomp. Allowed values are the same as `syscalls[].action`.")]
    [Spec(ConfigLinuxMd, "**`errnoRet`** *(uint, OPTIONAL)* - the errno return code to use. Some actions like `SCMP_ACT_ERRNO` and `SCMP_ACT_TRACE` allow to specify the errno code to return.")]
    public void ErrnoAction_FailsMatchedSyscall()
    {
        using var c = new TestContainer();
        // mkdir and mkdirat fail with EACCES (13); everything else is allowed.
        SetSeccomp(c, Rule(["mkdir", "mkdirat"], "SCMP_ACT_ERRNO", errnoRet: 13));
        c.Bundle.Shell("mkdir /tmp/blocked 2>&1; echo rc=$?; touch /tmp/allowed && echo touched");
        string output = Probe.RunOk(c);
        Assert.Contains("Permission denied", output);
        Assert.Contains("rc=1", output);
        Assert.Contains("touched", output);
        Assert.False(Directory.Exists(Path.Combine(c.Bundle.RootfsPath, "tmp", "blocked")));
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`args`** *(array of objects, OPTIONAL)* - the specific syscall in seccomp.")]
    [Spec(ConfigLinuxMd, "**`op`** *(string, REQUIRED)* - the operator for syscall arguments in seccomp.")]
    public void ArgumentRule_MatchesOnlyThatValue()
    {
        using var c = new TestContainer();
        // chmod(path, mode) has mode in argument 1, fchmodat(dirfd, path, mode) in 2;
        // busybox may use either. Only mode 0777 is refused with EPERM.
        int mode777 = Convert.ToInt32("777", 8);
        SetSeccomp(c,
            Rule(["chmod"], "SCMP_ACT_ERRNO", 1, new JsonArray(new JsonObject { ["index"] = 1, ["value"] = mode777, ["op"] = "SCMP_CMP_EQ" })),
            Rule(["fchmodat"], "SCMP_ACT_ERRNO", 1, new JsonArray(new JsonObject { ["index"] = 2, ["value"] = mode777, ["op"] = "SCMP_CMP_EQ" })));
        c.Bundle.Shell("touch /tmp/f; chmod 777 /tmp/f 2>/dev/null; echo rc777=$?; chmod 700 /tmp/f; echo rc700=$?; stat -c %a /tmp/f");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["rc777=1", "rc700=0", "700"], lines);
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`action`** *(string, REQUIRED)* - the action for seccomp rules.")]
    public void KillProcessAction_KillsWithSigsys()
    {
        // The shell survives to report how its child died: 128 + SIGSYS (31).
        using var c = new TestContainer();
        SetSeccomp(c, Rule(["mkdir", "mkdirat"], "SCMP_ACT_KILL_PROCESS"));
        c.Bundle.Shell("mkdir /tmp/blocked; echo rc=$?");
        Assert.Equal("rc=159", Probe.RunOk(c).Trim());
    }
}
