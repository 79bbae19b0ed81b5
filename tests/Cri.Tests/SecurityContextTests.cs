using Cri.Tests.Api;
using Cri.Tests.Support;

namespace Cri.Tests;

/// <summary>The container security context, each field seen from inside the container it was set on.</summary>
[Collection(CriCollection.Name)]
public sealed class SecurityContextTests(CriNode node)
{
    private const int CAP_CHOWN = 0, CAP_NET_ADMIN = 12, CAP_NET_RAW = 13;

    [Fact]
    public void RunAsUserAndGroup_TheProcessHasThoseIds()
    {
        using var pod = node.RunPod("runas");
        string id = pod.StartSleeper("ids", c =>
        {
            c.Linux.SecurityContext.RunAsUser = new Int64Value { Value = 1234 };
            c.Linux.SecurityContext.RunAsGroup = new Int64Value { Value = 5678 };
        });
        var status = StatusFields(node.ExecSync(id, "cat", "/proc/self/status").Stdout);
        Assert.Equal("1234\t1234\t1234\t1234", status["Uid"]);
        Assert.Equal("5678\t5678\t5678\t5678", status["Gid"]);
        Assert.Equal("1234 5678\n", node.Sh(id, "echo $(id -u) $(id -g)"));
    }

    [Fact]
    public void ReadOnlyRootfs_WritesFailExceptOnMounts()
    {
        using var pod = node.RunPod("rorootfs");
        string ro = pod.StartSleeper("ro", c => c.Linux.SecurityContext.ReadonlyRootfs = true);
        var r = node.ExecSync(ro, "touch", "/ocirun-test-file");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("Read-only file system", r.Stderr);
        Assert.Contains("ro", RootMountOptions(ro));
        // The pod's /dev/shm and the runtime's /dev stay writable.
        Assert.Equal(0, node.ExecSync(ro, "touch", "/dev/shm/ocirun-test-file").ExitCode);
        string rw = pod.StartSleeper("rw");
        Assert.Equal(0, node.ExecSync(rw, "touch", "/ocirun-test-file").ExitCode);
    }

    [Fact]
    public void NoNewPrivs_IsSetOnlyWhenAsked()
    {
        using var pod = node.RunPod("nnp");
        string on = pod.StartSleeper("on", c => c.Linux.SecurityContext.NoNewPrivs = true);
        string off = pod.StartSleeper("off");
        Assert.Equal("1", StatusFields(node.ExecSync(on, "cat", "/proc/self/status").Stdout)["NoNewPrivs"]);
        Assert.Equal("0", StatusFields(node.ExecSync(off, "cat", "/proc/self/status").Stdout)["NoNewPrivs"]);
    }

    [Fact]
    public void Privileged_HasEveryCapabilityOfTheHostAndWritableSys()
    {
        using var pod = node.RunPod("privileged", c => c.Linux.SecurityContext.Privileged = true);
        string priv = pod.StartSleeper("priv", c => c.Linux.SecurityContext.Privileged = true);
        string plain = pod.StartSleeper("plain");
        string hostBounding = StatusFields(File.ReadAllText("/proc/self/status"))["CapBnd"];
        var inside = StatusFields(node.ExecSync(priv, "cat", "/proc/self/status").Stdout);
        Assert.Equal(hostBounding, inside["CapEff"]);
        Assert.Equal(hostBounding, inside["CapBnd"]);
        Assert.Equal("0", inside["Seccomp"]);
        Assert.NotEqual(hostBounding, StatusFields(node.ExecSync(plain, "cat", "/proc/self/status").Stdout)["CapEff"]);
        // sysfs is mounted read-write, and the host's devices are there.
        Assert.Matches(@" /sys rw[, ]", node.Sh(priv, "grep ' /sys ' /proc/self/mountinfo"));
        Assert.Matches(@" /sys ro[, ]", node.Sh(plain, "grep ' /sys ' /proc/self/mountinfo"));
        Assert.Equal(File.Exists("/dev/kmsg"), node.ExecSync(priv, "test", "-e", "/dev/kmsg").ExitCode == 0);
    }

    [Fact]
    public void Capabilities_AddedAndDropped_ChangeEffectiveSetAndBehaviour()
    {
        using var pod = node.RunPod("caps");
        string baseline = pod.StartSleeper("baseline");
        string changed = pod.StartSleeper("changed", c => c.Linux.SecurityContext.Capabilities = new Capability
        {
            AddCapabilities = { "NET_ADMIN" },
            DropCapabilities = { "CHOWN", "NET_RAW" },
        });
        ulong before = Caps(baseline);
        Assert.True(Has(before, CAP_CHOWN) && Has(before, CAP_NET_RAW) && !Has(before, CAP_NET_ADMIN), $"containerd's default set changed: {before:x16}");
        ulong expected = (before | 1UL << CAP_NET_ADMIN) & ~(1UL << CAP_CHOWN | 1UL << CAP_NET_RAW);
        Assert.Equal(expected.ToString("x16"), Caps(changed).ToString("x16"));
        // And the kernel acts on it: chown fails without CAP_CHOWN, a link comes up only with CAP_NET_ADMIN.
        Assert.Equal(0, node.ExecSync(baseline, "sh", "-c", "touch /tmp/f && chown 1:1 /tmp/f").ExitCode);
        var chown = node.ExecSync(changed, "sh", "-c", "touch /tmp/f && chown 1:1 /tmp/f");
        Assert.NotEqual(0, chown.ExitCode);
        Assert.Contains("Operation not permitted", chown.Stderr);
        Assert.NotEqual(0, node.ExecSync(baseline, "ip", "link", "set", "lo", "mtu", "1400").ExitCode);
        Assert.Equal(0, node.ExecSync(changed, "ip", "link", "set", "lo", "mtu", "1400").ExitCode);
    }

    [Fact]
    public void Seccomp_RuntimeDefault_FiltersAndUnconfinedDoesNot()
    {
        using var pod = node.RunPod("seccomp-default");
        string filtered = pod.StartSleeper("filtered", c => c.Linux.SecurityContext.Seccomp =
            new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.RuntimeDefault });
        string unconfined = pod.StartSleeper("unconfined", c => c.Linux.SecurityContext.Seccomp =
            new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Unconfined });
        Assert.Equal("2", StatusFields(node.ExecSync(filtered, "cat", "/proc/self/status").Stdout)["Seccomp"]);
        Assert.Equal("0", StatusFields(node.ExecSync(unconfined, "cat", "/proc/self/status").Stdout)["Seccomp"]);
        // containerd's default profile allows unshare only with CAP_SYS_ADMIN; a user namespace needs no capability.
        var denied = node.ExecSync(filtered, "unshare", "-U", "true");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("Operation not permitted", denied.Stderr);
        Assert.Equal(0, node.ExecSync(unconfined, "unshare", "-U", "true").ExitCode);
    }

    [Fact]
    public void Seccomp_LocalhostProfile_DeniesItsSyscalls()
    {
        // Everything allowed but mkdir and mkdirat, which fail with EPERM: busybox mkdir says so, touch still works.
        string profile = Path.Join(node.Dir, "ocirun-test-no-mkdir.json");
        File.WriteAllText(profile, """
            {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
             "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
            """);
        using var pod = node.RunPod("seccomp-localhost");
        string id = pod.StartSleeper("nomkdir", c => c.Linux.SecurityContext.Seccomp =
            new SecurityProfile { ProfileType = SecurityProfile.Types.ProfileType.Localhost, LocalhostRef = profile });
        Assert.Equal("2", StatusFields(node.ExecSync(id, "cat", "/proc/self/status").Stdout)["Seccomp"]);
        var mkdir = node.ExecSync(id, "mkdir", "/tmp/d");
        Assert.NotEqual(0, mkdir.ExitCode);
        Assert.Contains("Operation not permitted", mkdir.Stderr);
        Assert.Equal(0, node.ExecSync(id, "touch", "/tmp/f").ExitCode);
    }

    private ulong Caps(string id) =>
        Convert.ToUInt64(StatusFields(node.ExecSync(id, "cat", "/proc/self/status").Stdout)["CapEff"], 16);

    private static bool Has(ulong caps, int cap) => (caps & 1UL << cap) != 0;

    /// <summary>The per-mount options of / (mountinfo's sixth field).</summary>
    private string[] RootMountOptions(string id) =>
        node.Sh(id, "cat /proc/self/mountinfo").Split('\n').Select(l => l.Split(' ')).Last(f => f.Length > 5 && f[4] == "/")[5].Split(',');

    internal static Dictionary<string, string> StatusFields(string status) =>
        status.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':', 2))
            .Where(kv => kv.Length == 2).ToDictionary(kv => kv[0], kv => kv[1].Trim());
}
