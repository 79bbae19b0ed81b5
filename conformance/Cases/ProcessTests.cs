using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config.md "process": what the container's process sees of its own setup.</summary>
public class ProcessTests
{
    const string ConfigMd = "config.md";

    [Fact]
    [Spec(ConfigMd, "**`env`** (array of strings, OPTIONAL) with the same semantics as IEEE Std 1003.1-2008's `environ`.")]
    public void Env_IsPassedToProcess()
    {
        using var c = new TestContainer();
        c.Bundle.Process["env"] = new JsonArray("PATH=/bin", "OCIRUN_A=first value", "OCIRUN_B=x=y");
        c.Bundle.Args("env");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("OCIRUN_A=first value", lines);
        Assert.Contains("OCIRUN_B=x=y", lines);
        Assert.Contains("PATH=/bin", lines);
    }

    [Fact]
    [Spec(ConfigMd, "**`cwd`** (string, REQUIRED) is the working directory that will be set for the executable.")]
    public void Cwd_IsWorkingDirectory()
    {
        using var c = new TestContainer();
        c.Bundle.MakeRootfsDir("/var/work");
        c.Bundle.Process["cwd"] = "/var/work";
        c.Bundle.Args("pwd");
        Assert.Equal("/var/work", Probe.RunOk(c).Trim());
    }

    [Fact]
    [Spec(ConfigMd, "**`args`** (array of strings, OPTIONAL) with similar semantics to IEEE Std 1003.1-2008 `execvp`'s *argv*.")]
    public void Args_AreFoundInPathAndPassedVerbatim()
    {
        using var c = new TestContainer();
        // `printf` is looked up through PATH inside the container; the arguments keep
        // their spaces and quotes because no shell parses them.
        c.Bundle.Args("printf", "[%s]", "a b", "'c'", "");
        Assert.Equal("[a b]['c'][]", Probe.RunOk(c));
    }

    [Fact]
    [Spec(ConfigMd, "**`uid`** (int, REQUIRED) specifies the user ID in the container namespace.")]
    [Spec(ConfigMd, "**`gid`** (int, REQUIRED) specifies the group ID in the container namespace.")]
    [Spec(ConfigMd, "**`additionalGids`** (array of ints, OPTIONAL) specifies additional group IDs in the container namespace to be added to the process.")]
    public void User_UidGidAndAdditionalGids()
    {
        using var c = new TestContainer();
        c.Bundle.Process["user"] = new JsonObject
        {
            ["uid"] = 1000,
            ["gid"] = 1000,
            ["additionalGids"] = new JsonArray(10, 20),
        };
        c.Bundle.Shell("cat /proc/self/status; id");
        string output = Probe.RunOk(c);

        Assert.Equal(["1000", "1000", "1000", "1000"], Probe.Field(output, "Uid").Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1000", "1000", "1000", "1000"], Probe.Field(output, "Gid").Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries));
        var groups = Probe.Field(output, "Groups").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("10", groups);
        Assert.Contains("20", groups);
        Assert.Contains("uid=1000(tester) gid=1000(tester)", output);
    }

    [Fact]
    [Spec(ConfigMd, "**`umask`** (int, OPTIONAL) specifies the umask of the user. If unspecified, the umask should not be changed from the calling process' umask.")]
    public void Umask_IsApplied()
    {
        using var c = new TestContainer();
        c.Bundle.Process["user"]!["umask"] = Convert.ToInt32("027", 8);
        c.Bundle.Shell("umask; touch /tmp/f; stat -c %a /tmp/f");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("0027", lines[0]);
        Assert.Equal("640", lines[1]);
    }
}
