using OciRuntime.Interop;
using OciRuntime.Rootfs;

namespace OciRuntime.Tests.Unit;

public sealed class ProcMountRulesTests
{
    [Theory]
    [InlineData("/proc/../proc/./sys", "/proc/sys")]
    [InlineData("../../proc", "/proc")]
    [InlineData("//a//b/", "/a/b")]
    [InlineData("/", "/")]
    public void Clean_is_lexical_and_never_above_root(string path, string clean) => Assert.Equal(clean, ProcMountRules.Clean(path));
}

public sealed class FsDataTests
{
    [Fact]
    public void Data_splits_into_fsconfig_parameters()
    {
        Assert.Equal([("mode", "755"), ("size", "65536k"), ("newinstance", null)],
            FsData.Split("mode=755,size=65536k,,newinstance").ToArray());
        Assert.Equal([("context", "system_u:object_r:container_file_t:s0:c1,c2"), ("mode", "1777")],
            FsData.Split("context=\"system_u:object_r:container_file_t:s0:c1,c2\",mode=1777").ToArray());
        Assert.Empty(FsData.Split(null));
    }

    [Fact]
    public void Flags_split_into_superblock_flags_and_mount_attributes()
    {
        ulong ms = Sys.MS_RDONLY | Sys.MS_NOSUID | Sys.MS_NODEV | Sys.MS_NOEXEC | Sys.MS_NOATIME | Sys.MS_SYNCHRONOUS;
        Assert.Equal(["ro", "sync"], FsData.SuperblockFlags(ms).ToArray());
        Assert.Equal(0x1UL | 0x2 | 0x4 | 0x8 | 0x10, FsData.MountAttributes(ms));
        Assert.Equal(0x20UL, FsData.MountAttributes(Sys.MS_STRICTATIME));
        Assert.Equal(0UL, FsData.MountAttributes(Sys.MS_RELATIME));
    }
}
