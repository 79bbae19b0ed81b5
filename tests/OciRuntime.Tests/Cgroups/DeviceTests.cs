using OciRuntime.Cgroups;
using OciSpec;

namespace OciRuntime.Tests.Cgroups;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class DeviceTests
{
    private static LinuxDeviceCgroup Rule(bool allow, string? type = null, long? major = null, long? minor = null, string? access = "rwm") =>
        new() { Allow = allow, Type = type, Major = major, Minor = minor, Access = access };

    [Fact]
    public void Deny_all_config_keeps_runc_default_devices()
    {
        var emu = DeviceRules.Target([Rule(false)]);
        Assert.False(emu.DefaultAllow);
        foreach (var (maj, min) in new (long, long)[] { (1, 3), (1, 5), (1, 7), (1, 8), (1, 9), (5, 0), (5, 1), (5, 2), (136, 4), (10, 200) })
            Assert.True(emu.Allows('c', maj, min, DevAccess.Read | DevAccess.Write), $"{maj}:{min}");
        Assert.False(emu.Allows('b', 8, 0, DevAccess.Read));
        Assert.True(emu.Allows('b', 8, 0, DevAccess.Mknod));
        Assert.False(emu.Allows('c', 10, 229, DevAccess.Read));
    }

    [Fact]
    public void Rules_apply_in_order_and_allow_all_stays_allow_all()
    {
        var emu = DeviceRules.Target([Rule(false), Rule(true, "c", 10, 229, "rw")]);
        Assert.True(emu.Allows('c', 10, 229, DevAccess.Read));
        Assert.False(emu.Allows('c', 10, 229, DevAccess.Mknod | DevAccess.Read) && !emu.Allows('c', 10, 229, DevAccess.Mknod));
        var all = DeviceRules.Target([Rule(true)]);
        Assert.True(all.DefaultAllow);
        Assert.True(all.Allows('b', 8, 0, DevAccess.All));
        var denyOne = DeviceRules.Target([Rule(true), Rule(false, "b", 8, 0, "w")]);
        Assert.False(denyOne.Allows('b', 8, 0, DevAccess.Write));
        Assert.True(denyOne.Allows('b', 8, 0, DevAccess.Read));
    }

    [Fact]
    public void Bad_type_or_access_names_the_rule()
    {
        Assert.Contains("devices[1].type", Assert.Throws<RuntimeError>(() => DeviceRules.Target([Rule(false), Rule(true, "x")])).Message);
        Assert.Contains("devices[0].access", Assert.Throws<RuntimeError>(() => DeviceRules.Target([Rule(true, "c", 1, 3, "rx")])).Message);
    }

    [Fact]
    public void V1_writes_reset_then_list_exceptions()
    {
        var w = DeviceRules.V1Writes(DeviceRules.Target([Rule(false)]), null);
        Assert.Equal(("devices.deny", "a"), (w[0].File, w[0].Value));
        Assert.Contains(w, x => x.File == "devices.allow" && x.Value == "c 1:3 rwm");
        Assert.Contains(w, x => x.File == "devices.allow" && x.Value == "c *:* m");
        Assert.Contains(w, x => x.File == "devices.allow" && x.Value == "c 136:* rwm");
        Assert.Equal(13, w.Count);
    }

    [Fact]
    public void V1_update_from_a_deny_list_writes_only_the_difference()
    {
        var current = DeviceEmulator.FromV1List("c 1:3 rwm\nc 1:5 rwm\nc 10:229 rwm\n");
        var target = new DeviceEmulator();
        target.Apply(new DeviceRule('c', 1, 3, DevAccess.All, true));
        target.Apply(new DeviceRule('c', 1, 5, DevAccess.Read, true));
        target.Apply(new DeviceRule('c', 1, 9, DevAccess.All, true));
        var w = DeviceRules.V1Writes(target, current).Select(x => $"{x.File}={x.Value}").ToList();
        Assert.Equal(["devices.allow=c 1:9 rwm", "devices.deny=c 1:5 wm", "devices.deny=c 10:229 rwm"], w);
        Assert.True(DeviceEmulator.FromV1List("a *:* rwm\n").DefaultAllow);
    }

    [Fact]
    public void Ebpf_program_decides_like_the_emulator()
    {
        List<LinuxDeviceCgroup>[] configs =
        [
            [Rule(false)],
            [Rule(true)],
            [Rule(true), Rule(false, "c", 1, 3, "w"), Rule(false, "b", null, null, "rw")],
            [Rule(false), Rule(true, "b", 8, null, "r"), Rule(true, "c", null, 7, "wm")],
        ];
        foreach (var cfg in configs)
        {
            var emu = DeviceRules.Target(cfg);
            var prog = DeviceFilter.Assemble(emu);
            Assert.Equal(prog.Count * 8, DeviceFilter.Encode(prog).Length);
            foreach (char type in "bc")
                foreach (uint major in new uint[] { 1, 5, 8, 10, 136, 200 })
                    foreach (uint minor in new uint[] { 0, 1, 3, 7, 9, 200 })
                        for (int a = 1; a <= 7; a++)
                            Assert.Equal(emu.Allows(type, major, minor, (DevAccess)a),
                                DeviceFilter.Evaluate(prog, type == 'b' ? DeviceFilter.DevBlock : DeviceFilter.DevChar, (DevAccess)a, major, minor));
        }
    }
}
