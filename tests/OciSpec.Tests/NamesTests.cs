namespace OciSpec.Tests;

public class NamesTests
{
    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("CAP_NET_BIND_SERVICE", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_AUDIT_WRITE", 29)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void CapabilityBits(string name, int bit)
    {
        Assert.True(Capabilities.TryGetBit(name, out int got));
        Assert.Equal(bit, got);
        Assert.True(Capabilities.TryGetName(bit, out string back));
        Assert.Equal(name, back);
    }

    [Fact]
    public void CapabilityLookupIsExact()
    {
        Assert.False(Capabilities.TryGetBit("cap_chown", out _));
        Assert.False(Capabilities.TryGetBit(null, out _));
        Assert.False(Capabilities.TryGetName(41, out _));
        Assert.Equal(40, Capabilities.LastBit);
    }

    [Fact]
    public void RlimitNames()
    {
        Assert.True(Rlimits.IsKnown("RLIMIT_NOFILE"));
        Assert.Equal(16, Rlimits.Names.Count);
        Assert.False(Rlimits.IsKnown("RLIMIT_FOO"));
        Assert.False(Rlimits.IsKnown(null));
    }

    [Fact]
    public void NamespaceKindsRoundTrip()
    {
        foreach (NamespaceKind kind in NamespaceKinds.All)
        {
            Assert.True(NamespaceKinds.TryParse(NamespaceKinds.ToSpecName(kind), out NamespaceKind back));
            Assert.Equal(kind, back);
        }
        Assert.Equal(8, NamespaceKinds.All.Count);
        Assert.False(NamespaceKinds.TryParse("net", out _));
        Assert.False(NamespaceKinds.TryParse("PID", out _));
        Assert.Equal("net", NamespaceKinds.ToProcName(NamespaceKind.Network));
        Assert.Equal("mnt", NamespaceKinds.ToProcName(NamespaceKind.Mount));
    }

    [Fact]
    public void PropagationNames()
    {
        Assert.True(Propagation.IsKnown("rslave"));
        Assert.True(Propagation.IsKnown("private"));
        Assert.False(Propagation.IsKnown("sideways"));
        Assert.Equal(8, Propagation.Names.Count);
    }

    [Fact]
    public void SeccompFlagValues()
    {
        Assert.Equal(1u, SeccompNames.Flags["SECCOMP_FILTER_FLAG_TSYNC"]);
        Assert.Equal(32u, SeccompNames.Flags["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]);
        Assert.Equal(9, SeccompNames.Actions.Count);
        Assert.Equal(23, SeccompNames.Architectures.Count);
    }

    [Fact]
    public void MountOptionsCoverTheFeaturesExample()
    {
        Features f = OciJson.ParseFeatures(Json.Utf8(TestData.Examples.Features));
        Assert.All(f.MountOptions!, o => Assert.True(MountOptions.IsKnown(o), o));
    }

    [Fact]
    public void MountOptionNames()
    {
        Assert.True(MountOptions.IsKnown("ro"));
        Assert.True(MountOptions.IsKnown("rslave"));
        Assert.True(MountOptions.IsKnown("rro"));
        Assert.True(MountOptions.IsKnown("tmpcopyup"));
        Assert.False(MountOptions.IsKnown("mode=755"));
        Assert.False(MountOptions.IsKnown(null));
    }
}
