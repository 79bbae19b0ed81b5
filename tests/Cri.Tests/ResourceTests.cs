using Cri.Tests.Api;
using Cri.Tests.Support;

namespace Cri.Tests;

/// <summary>Resources: limits set at creation and changed by UpdateContainerResources, and the OOM killer's verdict.</summary>
[Collection(CriCollection.Name)]
public sealed class ResourceTests(CriNode node)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void UpdateContainerResources_TheContainersCgroupChanges()
    {
        using var pod = node.RunPod("update");
        string id = pod.StartSleeper("limited", c =>
        {
            c.Linux.Resources.MemoryLimitInBytes = 64 * MiB;
            c.Linux.Resources.CpuPeriod = 100_000;
            c.Linux.Resources.CpuQuota = 20_000;
        });
        // cgroup v1 without a cgroup namespace: the runtime mounts the container's own cgroup at /sys/fs/cgroup/<controller>.
        const string read = "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us";
        Assert.Equal($"{64 * MiB}\n20000\n", node.Sh(id, read));

        node.Runtime.UpdateContainerResources(new UpdateContainerResourcesRequest
        {
            ContainerId = id,
            Linux = new LinuxContainerResources { MemoryLimitInBytes = 128 * MiB, CpuPeriod = 100_000, CpuQuota = 50_000, CpuShares = 512 },
        }, deadline: CriNode.Deadline());
        Assert.Equal($"{128 * MiB}\n50000\n", node.Sh(id, read));
        Assert.Equal("512\n", node.Sh(id, "cat /sys/fs/cgroup/cpu/cpu.shares"));
        // And the host sees the same files under the pod's cgroup parent.
        Assert.Equal($"{128 * MiB}", File.ReadAllText($"/sys/fs/cgroup/memory{CriConfig.CgroupParent}/{id}/memory.limit_in_bytes").Trim());
    }

    [Fact]
    public void OutOfMemory_TheContainerIsReportedOomKilled()
    {
        using var pod = node.RunPod("oom");
        // dd's 64 MiB buffer, filled from /dev/zero, cannot fit under a 16 MiB limit.
        string id = pod.Start("hog", ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"],
            c => c.Linux.Resources.MemoryLimitInBytes = 16 * MiB);
        var status = node.WaitExited(id);
        Assert.Equal(137, status.ExitCode);
        Assert.Equal("OOMKilled", status.Reason);
    }
}
