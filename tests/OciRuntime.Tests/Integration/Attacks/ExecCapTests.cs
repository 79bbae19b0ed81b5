using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2022-29162: `exec --cap X` must not put X in the inheritable set, where it survives an execve of a file that
/// carries inheritable file capabilities (an image can ship one). runc 1.1.5 adds X to bounding, effective and
/// permitted only (CapInh 0, CapAmb 0); before the fix ocirun gave CapInh=0x2000 for CAP_NET_RAW.
/// </summary>
public sealed class ExecCapTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const ulong NetRaw = 1UL << 13;

    [Fact]
    public void Exec_cap_adds_to_bounding_effective_and_permitted_but_never_inheritable()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        var r = _s.Oci("exec", "--cap", "CAP_NET_RAW", id, "grep", "^Cap", "/proc/self/status");
        Assert.True(r.ExitCode == 0, r.ToString());
        var caps = ProcessTests.Lines(r.Stdout).Select(l => l.Split(':', 2))
            .ToDictionary(p => p[0], p => Convert.ToUInt64(p[1].Trim(), 16));
        Assert.Equal(0UL, caps["CapInh"]);
        Assert.Equal(0UL, caps["CapAmb"]);
        Assert.Equal(NetRaw, caps["CapBnd"] & NetRaw);
        Assert.Equal(NetRaw, caps["CapEff"] & NetRaw);
        Assert.Equal(NetRaw, caps["CapPrm"] & NetRaw);
        Assert.Equal(0, _s.Oci("delete", "--force", id).ExitCode);
    }

    /// <summary>`spec`'s default process has no inheritable set (runc's since 1.1.2), so nothing is inherited
    /// unless a config asks.</summary>
    [Fact]
    public void The_default_spec_has_no_inheritable_capabilities()
    {
        var b = _s.NewBundle("grep", "^CapInh", "/proc/self/status");
        Assert.Null(b.Process["capabilities"]!["inheritable"]);
        var r = _s.Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("CapInh:\t0000000000000000", r.Stdout.Trim());
    }
}
