using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Tests.Unit;

/// <summary>OciSpec validates names; the runtime's tables give their kernel values. The two must name the same set,
/// or a name would pass validation and then fail at create (or be refused though the runtime can apply it).</summary>
public sealed class SpecKernelValuesTests
{
    [Fact]
    public void Every_name_OciSpec_accepts_has_a_kernel_value_and_no_other()
    {
        Assert.Equal(Sorted(MountOptions.Names), Sorted(MountOptionTable.All.Keys));
        Assert.Equal(Sorted(Propagation.Names), Sorted(MountOptionTable.Propagation.Keys));
        Assert.Equal(Sorted(Capabilities.Names), Sorted(SpecKernelValues.CapabilityBits.Keys));
        Assert.Equal(Sorted(Rlimits.Names), Sorted(SpecKernelValues.Rlimits.Keys));
        Assert.Equal(Sorted(SchedulingNames.Policies), Sorted(SpecKernelValues.SchedPolicies.Keys));
        Assert.Equal(Sorted(SchedulingNames.PolicyFlags), Sorted(SpecKernelValues.SchedFlags.Keys));
        Assert.Equal(Sorted(SchedulingNames.IOPriorityClasses), Sorted(SpecKernelValues.IOPriorityClasses.Keys));
        Assert.Equal(Sorted(SchedulingNames.MemoryPolicyModes), Sorted(SpecKernelValues.MemoryPolicyModes.Keys));
        Assert.Equal(Sorted(SchedulingNames.MemoryPolicyFlags), Sorted(SpecKernelValues.MemoryPolicyFlags.Keys));
    }

    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("CAP_KILL", 5)]
    [InlineData("CAP_NET_BIND_SERVICE", 10)]
    [InlineData("CAP_SYS_ADMIN", 21)]
    [InlineData("CAP_AUDIT_WRITE", 29)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    public void Capability_bits(string name, int bit)
    {
        Assert.True(SpecKernelValues.TryGetCapabilityBit(name, out int got));
        Assert.Equal(bit, got);
    }

    [Fact]
    public void Capability_lookup_is_exact_and_features_lists_them_in_bit_order()
    {
        Assert.False(SpecKernelValues.TryGetCapabilityBit("cap_chown", out _));
        Assert.False(SpecKernelValues.TryGetCapabilityBit(null, out _));
        Assert.Equal(Capabilities.Names, SpecKernelValues.CapabilityBits.OrderBy(kv => kv.Value).Select(kv => kv.Key));
        Assert.Equal(Enumerable.Range(0, 41), SpecKernelValues.CapabilityBits.Values.Order());
    }

    [Theory]
    [InlineData("RLIMIT_CPU", 0)]
    [InlineData("RLIMIT_CORE", 4)]
    [InlineData("RLIMIT_NPROC", 6)]
    [InlineData("RLIMIT_NOFILE", 7)]
    [InlineData("RLIMIT_MEMLOCK", 8)]
    [InlineData("RLIMIT_RTTIME", 15)]
    public void Rlimit_resources(string name, int resource) => Assert.Equal(resource, SpecKernelValues.Rlimits[name]);

    [Fact]
    public void Clone_flags_are_distinct_and_known()
    {
        Assert.Equal(0x10000000UL, SpecKernelValues.CloneFlag(NamespaceKind.User));
        Assert.Equal(0x00020000UL, SpecKernelValues.CloneFlag(NamespaceKind.Mount));
        var flags = NamespaceKinds.All.Select(SpecKernelValues.CloneFlag).ToList();
        Assert.Equal(flags.Count, flags.Distinct().Count());
    }

    [Fact]
    public void Mount_option_values()
    {
        Assert.True(MountOptionTable.TryGet("ro", out MountOption ro));
        Assert.Equal(new MountOption(MountOptionKind.Flag, 1, false), ro);
        Assert.True(MountOptionTable.TryGet("rw", out MountOption rw));
        Assert.True(rw.Clear);
        Assert.True(MountOptionTable.TryGet("rbind", out MountOption rbind));
        Assert.Equal(4096UL | 16384UL, rbind.Flags);
        Assert.True(MountOptionTable.TryGet("rslave", out MountOption rslave));
        Assert.Equal(new MountOption(MountOptionKind.Propagation, (1UL << 19) | 0x4000, false), rslave);
        Assert.Equal(1UL << 18, MountOptionTable.Propagation["private"]);
        Assert.True(MountOptionTable.TryGet("rro", out MountOption rro));
        Assert.Equal(MountOptionKind.RecursiveAttr, rro.Kind);
        Assert.True(MountOptionTable.TryGet("iversion", out MountOption iversion));
        Assert.Equal(1UL << 23, iversion.Flags);
        Assert.False(MountOptionTable.TryGet("mode=755", out _));
    }

    private static List<string> Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
