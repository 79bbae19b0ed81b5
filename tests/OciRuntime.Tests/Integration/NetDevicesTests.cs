using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>linux.netDevices (runtime-spec 1.3): host devices moved into the container's network namespace,
/// renamed, with their permanent global addresses, up; refused with the device named when that cannot be done.
/// The devices are veth pairs this test makes (iproute2's ip) and removes.</summary>
public sealed class NetDevicesTests : IDisposable
{
    private readonly Sandbox _s = new();
    // Short (IFNAMSIZ is 16) and unique per test, so tests can run side by side.
    private readonly string _a, _b;

    public NetDevicesTests()
    {
        string tag = Guid.NewGuid().ToString("N")[..5];
        _a = $"ocirun-t{tag}a";
        _b = $"ocirun-t{tag}b";
    }

    public void Dispose()
    {
        try { _s.Dispose(); }
        finally
        {
            // Whichever end still exists takes the other with it. The kernel also destroys the pair, asynchronously,
            // when the namespace holding one end goes: an end seen a moment ago may be gone by the time we delete it.
            foreach (var dev in new[] { _a, _b })
                if (Exists(dev)) DeleteIfPresent(dev);
        }
    }

    private static bool Exists(string dev) => Directory.Exists($"/sys/class/net/{dev}");

    private static void DeleteIfPresent(string dev)
    {
        try { Ip($"link del {dev}"); }
        catch (InvalidOperationException e) when (e.Message.Contains("Cannot find device")) { }
    }

    private static string Ip(string args)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Split(' ')) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string o = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ip {args}: {o}");
        return o;
    }

    private void MakeVeth()
    {
        Skip.If(!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"), "iproute2 (ip) is not installed");
        Ip($"link add {_a} type veth peer name {_b}");
    }

    private Bundle WithDevices(JsonObject devices, string script)
    {
        var b = _s.NewBundle().Shell(script);
        b.Linux["netDevices"] = devices;
        return b;
    }

    [SkippableFact]
    public void Device_is_moved_renamed_up_and_keeps_its_permanent_global_addresses()
    {
        MakeVeth();
        Ip($"addr add 10.213.7.1/24 dev {_a}");
        Ip($"addr add fd00:213:7::1/64 dev {_a} nodad");
        // Not permanent (a lifetime, as DHCP gives): the spec keeps only permanent addresses.
        Ip($"addr add 10.214.7.1/24 dev {_a} valid_lft 3000 preferred_lft 3000");
        // Link-local scope: not global, not kept.
        Ip($"addr add 169.254.7.1/16 dev {_a} scope link");
        var r = _s.Run(WithDevices(new JsonObject { [_a] = new JsonObject { ["name"] = "eth9" } },
            "ls /sys/class/net | tr '\\n' ' '; echo; cat /sys/class/net/eth9/flags; ip -4 addr show eth9; cat /proc/net/if_inet6"));
        Assert.True(r.ExitCode == 0, r.ToString());
        string[] lines = r.Stdout.Split('\n');
        Assert.Equal(["eth9", "lo"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Order());
        Assert.True((Convert.ToInt32(lines[1].Trim(), 16) & 1) == 1, "eth9 is not up: flags " + lines[1]);
        Assert.Contains("inet 10.213.7.1/24", r.Stdout);
        Assert.DoesNotContain("10.214.7.1", r.Stdout);
        Assert.DoesNotContain("169.254.7.1", r.Stdout);
        // /proc/net/if_inet6: address, index, prefix length (hex 40 = 64), scope 00 (global), flags, name.
        Assert.Matches("fd000213000700000000000000000001 [0-9a-f]+ 40 00 [0-9a-f]+ +eth9", r.Stdout);
        // Never moved back: the namespace went with the container, and a veth goes with its namespace.
        Assert.False(Exists(_a), $"{_a} is back on the host");
    }

    [SkippableFact]
    public void Device_keeps_its_name_without_one()
    {
        MakeVeth();
        var r = _s.Run(WithDevices(new JsonObject { [_a] = new JsonObject() }, $"cat /sys/class/net/{_a}/operstate >/dev/null && echo there"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("there\n", r.Stdout);
    }

    [SkippableFact]
    public void A_name_template_lets_the_kernel_pick_the_number()
    {
        // config-linux.md: a name ending in "%d" is a template; the kernel completes it with a free number.
        MakeVeth();
        var r = _s.Run(WithDevices(new JsonObject { [_a] = new JsonObject { ["name"] = "ocr%d" } }, "ls /sys/class/net"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Matches("(?m)^ocr[0-9]+$", r.Stdout);
    }

    [SkippableFact]
    public void Device_is_on_the_container_side_while_it_is_created()
    {
        MakeVeth();
        var b = WithDevices(new JsonObject { [_a] = new JsonObject { ["name"] = "eth1" } }, "sleep 30");
        b.Save();
        string id = _s.NewId();
        var c = _s.Oci("create", "--bundle", b.Dir, id);
        Assert.True(c.ExitCode == 0, c.ToString());
        Assert.False(Exists(_a), "the device is still on the host after create");
        int pid = _s.State(id)["pid"]!.GetValue<int>();
        // /proc/PID/net is the network namespace of PID.
        Assert.Contains("eth1:", File.ReadAllText($"/proc/{pid}/net/dev"));
        Assert.True(_s.Oci("delete", "--force", id).ExitCode == 0);
        Assert.False(Exists(_a), "the device came back on the host after delete");
    }

    [SkippableFact]
    public void A_missing_device_is_refused_naming_it()
    {
        Skip.If(Exists("ocirun-tnone0"), "a device named ocirun-tnone0 exists on this host");
        var r = _s.Run(WithDevices(new JsonObject { ["ocirun-tnone0"] = new JsonObject() }, "true"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.netDevices[\"ocirun-tnone0\"]", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [SkippableFact]
    public void A_name_taken_in_the_container_is_refused_and_the_device_stays_on_the_host()
    {
        MakeVeth();
        var r = _s.Run(WithDevices(new JsonObject { [_a] = new JsonObject { ["name"] = "lo" } }, "true"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains($"linux.netDevices[\"{_a}\"]", r.Stderr);
        Assert.Contains("taken", r.Stderr);
        Assert.True(Exists(_a), "the device left the host although the move was refused");
    }

    [SkippableFact]
    public void Two_devices_given_the_same_name_are_refused()
    {
        MakeVeth();
        var r = _s.Run(WithDevices(new JsonObject
        {
            [_a] = new JsonObject { ["name"] = "eth3" }, [_b] = new JsonObject { ["name"] = "eth3" },
        }, "true"));
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("linux.netDevices[", r.Stderr);
        Assert.True(Exists(_a) && Exists(_b), "a device left the host although the config was refused");
    }
}
