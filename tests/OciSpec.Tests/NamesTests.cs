namespace OciSpec.Tests;

public class NamesTests
{
    [Fact]
    public void CapabilityNamesAreExact()
    {
        Assert.True(Capabilities.IsKnown("CAP_CHOWN"));
        Assert.True(Capabilities.IsKnown("CAP_CHECKPOINT_RESTORE"));
        Assert.False(Capabilities.IsKnown("cap_chown"));
        Assert.False(Capabilities.IsKnown(null));
        Assert.Equal(41, Capabilities.Names.Count);
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
        Assert.Contains("SECCOMP_FILTER_FLAG_TSYNC", SeccompNames.Flags);
        Assert.Equal(4, SeccompNames.Flags.Count);
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
