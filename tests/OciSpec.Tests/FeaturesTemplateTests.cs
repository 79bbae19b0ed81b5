namespace OciSpec.Tests;

public class FeaturesTemplateTests
{
    [Fact]
    public void KnownListsEveryRecognisedName()
    {
        Features f = FeaturesTemplate.Known();
        Assert.Equal(OciVersions.Current, f.OciVersionMax);
        Assert.Contains("createRuntime", f.Hooks!);
        Assert.Contains("rro", f.MountOptions!);
        Assert.Contains("rslave", f.MountOptions!);
        Assert.Equal(["cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"], f.Linux!.Namespaces!);
        Assert.Equal("CAP_CHECKPOINT_RESTORE", f.Linux.Capabilities![^1]);
        Assert.Contains("SCMP_ACT_NOTIFY", f.Linux.Seccomp!.Actions!);
        Assert.Null(f.Linux.Seccomp.Enabled);
        Assert.Null(f.Linux.Cgroup);
    }

    [Fact]
    public void CoversTheSpecFeaturesExample()
    {
        Features example = OciJson.ParseFeatures(Json.Utf8(TestData.Examples.Features));
        Features ours = FeaturesTemplate.Known();
        Assert.Empty(example.MountOptions!.Except(ours.MountOptions!));
        Assert.Empty(example.Linux!.Namespaces!.Except(ours.Linux!.Namespaces!));
        Assert.Empty(example.Linux.Seccomp!.Archs!.Except(ours.Linux.Seccomp!.Archs!));
        Assert.Empty(example.Linux.Seccomp.Operators!.Except(ours.Linux.Seccomp.Operators!));
    }

    [Fact]
    public void RuntimeFillsInWhatItSupports()
    {
        Features f = FeaturesTemplate.Known();
        f = f with { Linux = f.Linux! with { Cgroup = new CgroupFeatures { V1 = true, V2 = true, Systemd = false } } };
        Features back = OciJson.ParseFeatures(OciJson.Serialize(f, indented: true));
        Assert.False(back.Linux!.Cgroup!.Systemd);
        Assert.Equal(f.MountOptions, back.MountOptions);
    }
}
