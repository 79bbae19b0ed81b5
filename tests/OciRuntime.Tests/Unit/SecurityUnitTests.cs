using OciRuntime.Launch;
using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Tests.Unit;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SecurityUnitTests
{
    [Fact]
    public void Cpu_and_node_lists_become_bit_masks()
    {
        Assert.Equal([0b101101UL], Scheduling.ParseList("0,2-3,5", "f"));
        Assert.Equal([0UL, 1UL], Scheduling.ParseList("64", "f"));
        Assert.Equal([ulong.MaxValue], Scheduling.ParseList("0-63", "f"));
        foreach (var bad in new[] { "a", "3-1", "-1", "1-", ",", "70000" })
            Assert.Contains("process.execCPUAffinity.final", Assert.Throws<RuntimeError>(() => Scheduling.ParseList(bad, "process.execCPUAffinity.final")).Message);
    }

    [Fact]
    public void Capabilities_the_kernel_lacks_are_skipped_and_reported_unknown_names_are_errors()
    {
        var caps = new LinuxCapabilities { Bounding = ["CAP_CHOWN", "CAP_PERFMON", "CAP_BPF"], Ambient = ["CAP_CHECKPOINT_RESTORE"] };
        // A kernel whose last capability is CAP_AUDIT_READ (37): 38-40 do not exist there.
        var sets = CapabilitySets.From(caps, 37);
        Assert.Equal(1UL, sets.Bounding);
        Assert.Equal(0UL, sets.Ambient);
        Assert.Equal(["CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"], CapabilitySets.UnknownToKernel(caps, 37));
        Assert.Empty(CapabilitySets.UnknownToKernel(caps, 40));
        var e = Assert.Throws<RuntimeError>(() => CapabilitySets.From(new LinuxCapabilities { Effective = ["CAP_CHOWN", "CAP_FLY"] }, 40));
        Assert.Contains("process.capabilities.effective[1]", e.Message);
        Assert.Contains("CAP_FLY", e.Message);
    }

    [Fact]
    public void Only_a_single_own_id_is_written_without_the_helpers()
    {
        var own = new List<LinuxIDMapping> { new() { ContainerID = 0, HostID = 1001, Size = 1 } };
        var more = new List<LinuxIDMapping> { own[0], new() { ContainerID = 1, HostID = 100000, Size = 65536 } };
        Assert.True(IdMapWriter.IsOwnIdOnly(own, 1001));
        Assert.False(IdMapWriter.IsOwnIdOnly(own, 1002));
        Assert.False(IdMapWriter.IsOwnIdOnly(more, 1001));
        Assert.False(IdMapWriter.NeedsHelper(more, 0, 0));
        Assert.True(IdMapWriter.NeedsHelper(more, 1001, 1001));
        Assert.False(IdMapWriter.NeedsHelper(own, 1001, 1001));
        Assert.Equal(["newuidmap", "42", "0", "1001", "1", "1", "100000", "65536"], IdMapWriter.HelperArgs("newuidmap", 42, more));
    }

    [Fact]
    public void The_default_root_follows_runc()
    {
        Assert.Equal("/run/ocirun", Rootless.DefaultRoot(0, "/run/user/0"));
        Assert.Equal("/run/user/1001/x/ocirun", Rootless.DefaultRoot(1001, "/run/user/1001/x"));
        Assert.Equal("/run/user/1001/ocirun", Rootless.DefaultRoot(1001, null));
        Assert.Equal("/run/user/1001/ocirun", Rootless.DefaultRoot(1001, "relative"));
    }

    [Fact]
    public void Device_rules_alone_do_not_ask_for_a_cgroup()
    {
        Assert.False(Rootless.AsksForLimits(null));
        Assert.False(Rootless.AsksForLimits(new LinuxResources { Devices = [new LinuxDeviceCgroup { Allow = false, Access = "rwm" }] }));
        Assert.True(Rootless.AsksForLimits(new LinuxResources { Pids = new LinuxPids { Limit = 5 } }));
    }
}
