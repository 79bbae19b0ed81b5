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

    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_CORE", 4)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_MEMLOCK", 8)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void RlimitResources(string name, int resource)
    {
        Assert.True(Rlimits.TryGetResource(name, out int got));
        Assert.Equal(resource, got);
    }

    [Fact]
    public void UnknownRlimit() => Assert.False(Rlimits.TryGetResource("RLIMIT_FOO", out _));

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
        Assert.Equal(0x10000000, NamespaceKinds.ToCloneFlag(NamespaceKind.User));
        Assert.Equal(0x00020000, NamespaceKinds.ToCloneFlag(NamespaceKind.Mount));
    }

    [Fact]
    public void PropagationFlags()
    {
        Assert.True(Propagation.TryGetFlags("rslave", out ulong f));
        Assert.Equal((1UL << 19) | 0x4000, f);
        Assert.True(Propagation.TryGetFlags("private", out f));
        Assert.Equal(1UL << 18, f);
        Assert.False(Propagation.TryGetFlags("sideways", out _));
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
        Assert.All(f.MountOptions!, o => Assert.True(MountOptions.TryGet(o, out _), o));
    }

    [Fact]
    public void MountOptionValues()
    {
        Assert.True(MountOptions.TryGet("ro", out MountOption ro));
        Assert.Equal(new MountOption(MountOptionKind.Flag, 1, false), ro);
        Assert.True(MountOptions.TryGet("rw", out MountOption rw));
        Assert.True(rw.Clear);
        Assert.True(MountOptions.TryGet("rbind", out MountOption rbind));
        Assert.Equal(4096UL | 16384UL, rbind.Flags);
        Assert.True(MountOptions.TryGet("rslave", out MountOption rslave));
        Assert.Equal(MountOptionKind.Propagation, rslave.Kind);
        Assert.True(MountOptions.TryGet("rro", out MountOption rro));
        Assert.Equal(MountOptionKind.RecursiveAttr, rro.Kind);
        Assert.False(MountOptions.TryGet("mode=755", out _));
    }
}
