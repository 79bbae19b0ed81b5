using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>config-linux.md control groups, seen from the host while the container exists.</summary>
public class CgroupTests
{
    const string ConfigLinuxMd = "config-linux.md";

    [Fact]
    [Spec(ConfigLinuxMd, "In the case of an absolute path (starting with `/`), the runtime MUST take the path to be relative to the cgroups mount point.")]
    [Spec(ConfigLinuxMd, "If the value is specified, the runtime MUST consistently attach to the same place in the cgroups hierarchy given the same value of `cgroupsPath`.")]
    public void CgroupsPath_HoldsContainerProcess()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.MustCreate();
        int pid = (int)c.StateJson()["pid"]!;

        foreach (var controller in new[] { "pids", "memory" })
        {
            string procs = Path.Combine(HostCgroup.Dir(controller, c.CgroupsPath), "cgroup.procs");
            Assert.True(File.Exists(procs), $"{procs} does not exist");
            Assert.Contains(pid.ToString(), File.ReadAllLines(procs));
        }
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`limit`** *(int64, OPTIONAL)* - sets limit of memory usage in bytes")]
    [Spec(ConfigLinuxMd, "**`limit`** *(int64, REQUIRED)* - specifies the maximum number of tasks in the cgroup")]
    [Spec(ConfigLinuxMd, "**`shares`** *(uint64, OPTIONAL)* - specifies a relative share of CPU time available to the tasks in a cgroup")]
    public void Resources_AreWrittenToCgroup()
    {
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.Bundle.Linux["resources"]!["memory"] = new JsonObject { ["limit"] = 64L * 1024 * 1024 };
        c.Bundle.Linux["resources"]!["pids"] = new JsonObject { ["limit"] = 42 };
        c.Bundle.Linux["resources"]!["cpu"] = new JsonObject { ["shares"] = 512 };
        var r = c.Create();
        Assert.True(r.Succeeded, r.ToString());

        Assert.Equal("67108864", HostCgroup.Read("memory", c.CgroupsPath, "memory.limit_in_bytes", "memory.max"));
        Assert.Equal("42", HostCgroup.Read("pids", c.CgroupsPath, "pids.max", "pids.max"));
        // v2 has no shares; runc and crun convert 512 shares to weight 20.
        Assert.Equal(HostCgroup.IsUnified ? "20" : "512", HostCgroup.Read("cpu", c.CgroupsPath, "cpu.shares", "cpu.weight"));
    }

    [Fact]
    [Spec("runtime.md", "Deleting a container MUST delete the resources that were created during the `create` step.")]
    public void Delete_RemovesCgroup()
    {
        using var c = new TestContainer();
        c.Bundle.Args("true");
        c.MustCreate();
        string dir = HostCgroup.Dir("pids", c.CgroupsPath);
        Assert.True(Directory.Exists(dir), $"{dir} was not created");
        c.MustStart();
        Assert.True(c.WaitForStatus("stopped"), $"status is {c.Status()}");

        Assert.True(c.Delete().Succeeded);
        Assert.False(Directory.Exists(dir), $"{dir} is still there after delete");
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`limit`** *(int64, REQUIRED)* - specifies the maximum number of tasks in the cgroup")]
    public void Update_ChangesPidsLimit()
    {
        // Not in the spec's operations, but containerd's `ctr task update`, docker update
        // and kubelet's in-place resize all go through `runc update`.
        using var c = new TestContainer();
        c.Bundle.Args("sleep", "60");
        c.Bundle.Linux["resources"]!["pids"] = new JsonObject { ["limit"] = 42 };
        c.MustCreate();
        c.MustStart();

        var r = c.Invoke("update", "--pids-limit", "77", c.Id);
        Assert.True(r.Succeeded, r.ToString());
        Assert.Equal("77", HostCgroup.Read("pids", c.CgroupsPath, "pids.max", "pids.max"));
    }

    [Fact]
    [Spec(ConfigLinuxMd, "**`devices`** (array of objects, OPTIONAL) configures the device allowlist. The runtime MUST apply entries in the listed order.")]
    public void DeviceAllowlist_AppliedInOrder()
    {
        // Two harmless devices that no runtime allows by default (runc and crun always
        // allow null, zero, full, random, urandom, tty and ptmx): tun and fuse, which
        // open without privileges. After the default deny-all, tun is allowed; fuse is
        // allowed and then denied again, so order decides.
        using var c = new TestContainer();
        c.Bundle.Linux["devices"] = new JsonArray(Device("/dev/ocirun-tun", 10, 200), Device("/dev/ocirun-fuse", 10, 229));
        var rules = c.Bundle.Linux["resources"]!["devices"]!.AsArray();
        rules.Add(Rule(true, 10, 200));
        rules.Add(Rule(true, 10, 229));
        rules.Add(Rule(false, 10, 229));
        c.Bundle.Shell(
            "(exec 3<>/dev/ocirun-tun) 2>/dev/null && echo tun-open || echo tun-denied; " +
            "(exec 3<>/dev/ocirun-fuse) 2>/dev/null && echo fuse-open || echo fuse-denied");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["tun-open", "fuse-denied"], lines);
    }

    static JsonObject Device(string path, int major, int minor) => new()
    {
        ["path"] = path, ["type"] = "c", ["major"] = major, ["minor"] = minor,
        ["fileMode"] = Convert.ToInt32("666", 8), ["uid"] = 0, ["gid"] = 0,
    };

    static JsonObject Rule(bool allow, int major, int minor) => new()
    {
        ["allow"] = allow, ["type"] = "c", ["major"] = major, ["minor"] = minor, ["access"] = "rw",
    };
}
