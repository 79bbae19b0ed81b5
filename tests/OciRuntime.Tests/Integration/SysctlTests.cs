using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>linux.sysctl: written inside the container's namespaces, refused when it would change the host.</summary>
public sealed class SysctlTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private Bundle With(string key, string value, string script)
    {
        var b = _s.NewBundle().Shell(script);
        b.Linux["sysctl"] = new JsonObject { [key] = value };
        return b;
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward")]
    [InlineData("net/ipv4/ip_forward")]
    public void Net_sysctl_in_a_network_namespace_is_set_there_only(string key)
    {
        string host = File.ReadAllText("/proc/sys/net/ipv4/ip_forward");
        string want = host.Trim() == "1" ? "0" : "1";
        var r = _s.Run(With(key, want, "cat /proc/sys/net/ipv4/ip_forward"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(want + "\n", r.Stdout);
        Assert.Equal(host, File.ReadAllText("/proc/sys/net/ipv4/ip_forward"));
    }

    [Fact]
    public void Ipc_sysctl_in_an_ipc_namespace()
    {
        string host = File.ReadAllText("/proc/sys/kernel/shmmni");
        var r = _s.Run(With("kernel.shmmni", "1234", "cat /proc/sys/kernel/shmmni"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("1234\n", r.Stdout);
        Assert.Equal(host, File.ReadAllText("/proc/sys/kernel/shmmni"));
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", "network", "network namespace")]
    [InlineData("kernel.shmmax", "ipc", "ipc namespace")]
    [InlineData("fs.mqueue.queues_max", "ipc", "ipc namespace")]
    [InlineData("kernel.domainname", "uts", "uts namespace")]
    [InlineData("kernel.panic", null, "change the host")]
    [InlineData("vm.swappiness", null, "change the host")]
    [InlineData("kernel.hostname", null, "hostname")]
    public void A_sysctl_that_would_change_the_host_is_refused(string key, string? removeNs, string message)
    {
        string before = File.Exists("/proc/sys/" + key.Replace('.', '/')) ? File.ReadAllText("/proc/sys/" + key.Replace('.', '/')) : "";
        var b = With(key, "1", "true");
        if (removeNs is not null) b.WithoutNamespace(removeNs);
        var r = _s.Run(b);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains(key, r.Stderr);
        Assert.Contains(message, r.Stderr);
        if (before.Length > 0) Assert.Equal(before, File.ReadAllText("/proc/sys/" + key.Replace('.', '/')));
    }

    [Fact]
    public void A_sysctl_that_does_not_exist_fails_naming_the_key()
    {
        var r = _s.Run(With("net.ipv4.no_such_knob", "1", "true"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("net.ipv4.no_such_knob", r.Stderr);
    }
}
