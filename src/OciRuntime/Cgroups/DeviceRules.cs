using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>Access bits, valued as the kernel's BPF_DEVCG_ACC_* (mknod 1, read 2, write 4).</summary>
[Flags]
internal enum DevAccess { None = 0, Mknod = 1, Read = 2, Write = 4, All = 7 }

/// <summary>One device-controller rule; Major/Minor -1 mean "*"; Type 'a' (all), 'b' or 'c'.</summary>
internal readonly record struct DeviceRule(char Type, long Major, long Minor, DevAccess Access, bool Allow)
{
    internal const long Wildcard = -1;

    internal static DeviceRule From(LinuxDeviceCgroup d, int index)
    {
        string field = $"linux.resources.devices[{index}]";
        char type = d.Type switch
        {
            null or "" or "a" => 'a',
            "c" or "u" => 'c',
            "b" => 'b',
            _ => throw new RuntimeError($"{field}.type: \"{d.Type}\" is not one of a, b, c"),
        };
        return new DeviceRule(type, d.Major ?? Wildcard, d.Minor ?? Wildcard, ParseAccess(d.Access, field + ".access"), d.Allow);
    }

    internal static DevAccess ParseAccess(string? s, string field)
    {
        if (string.IsNullOrEmpty(s)) return DevAccess.All;
        var a = DevAccess.None;
        foreach (char c in s)
            a |= c switch
            {
                'r' => DevAccess.Read,
                'w' => DevAccess.Write,
                'm' => DevAccess.Mknod,
                _ => throw new RuntimeError($"{field}: \"{s}\" may only hold r, w and m"),
            };
        return a;
    }

    internal static string AccessString(DevAccess a) =>
        (a.HasFlag(DevAccess.Read) ? "r" : "") + (a.HasFlag(DevAccess.Write) ? "w" : "") + (a.HasFlag(DevAccess.Mknod) ? "m" : "");

    private static string Num(long n) => n == Wildcard ? "*" : n.ToString();

    /// <summary>The line devices.allow / devices.deny take (and devices.list shows).</summary>
    internal string V1Line => Type == 'a' ? "a *:* rwm" : $"{Type} {Num(Major)}:{Num(Minor)} {AccessString(Access)}";
}

/// <summary>
/// The cgroup v1 device controller's semantics, computed in memory (as runc's emulator): a default (allow or deny
/// everything) plus exceptions. Rules apply in order; a type-'a' rule resets. Used to write v1 files and to build
/// the v2 eBPF program, so both behave the same.
/// </summary>
internal sealed class DeviceEmulator
{
    public bool DefaultAllow { get; private set; }
    private readonly List<DeviceRule> _exceptions = [];
    public IReadOnlyList<DeviceRule> Exceptions => _exceptions;

    /// <summary>Starts as "deny everything", as runc builds the target state.</summary>
    public DeviceEmulator(bool defaultAllow = false) { DefaultAllow = defaultAllow; }

    public void Apply(DeviceRule r)
    {
        if (r.Type == 'a')
        {
            DefaultAllow = r.Allow;
            _exceptions.Clear();
            return;
        }
        if (r.Allow == DefaultAllow) Remove(r);
        else Add(r);
    }

    private void Add(DeviceRule r)
    {
        int i = _exceptions.FindIndex(e => e.Type == r.Type && e.Major == r.Major && e.Minor == r.Minor);
        if (i >= 0) _exceptions[i] = _exceptions[i] with { Access = _exceptions[i].Access | r.Access };
        else _exceptions.Add(r with { Allow = !DefaultAllow });
    }

    private void Remove(DeviceRule r)
    {
        int i = _exceptions.FindIndex(e => e.Type == r.Type && e.Major == r.Major && e.Minor == r.Minor);
        if (i < 0) return;
        var left = _exceptions[i].Access & ~r.Access;
        if (left == DevAccess.None) _exceptions.RemoveAt(i);
        else _exceptions[i] = _exceptions[i] with { Access = left };
    }

    /// <summary>Would the kernel let a process do <paramref name="access"/> on the device?</summary>
    public bool Allows(char type, long major, long minor, DevAccess access)
    {
        foreach (var e in _exceptions)
            if (e.Type == type && (e.Major == DeviceRule.Wildcard || e.Major == major) &&
                (e.Minor == DeviceRule.Wildcard || e.Minor == minor) && (access & ~e.Access) == 0)
                return e.Allow;
        return DefaultAllow;
    }

    /// <summary>Reads a v1 devices.list ("a *:* rwm" alone means allow-all; its exceptions are not shown).</summary>
    internal static DeviceEmulator FromV1List(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Any(l => l.StartsWith('a'))) return new DeviceEmulator(defaultAllow: true);
        var emu = new DeviceEmulator();
        foreach (var l in lines)
        {
            var p = l.Split(' ');
            if (p.Length != 3) continue;
            var mm = p[1].Split(':');
            if (mm.Length != 2) continue;
            long Parse(string s) => s == "*" ? DeviceRule.Wildcard : long.Parse(s);
            emu.Apply(new DeviceRule(p[0][0], Parse(mm[0]), Parse(mm[1]), DeviceRule.ParseAccess(p[2], "devices.list"), true));
        }
        return emu;
    }
}

/// <summary>The rules a container gets: its own, then runc's default allowed devices.</summary>
internal static class DeviceRules
{
    private const long W = DeviceRule.Wildcard;

    /// <summary>runc's AllowedDevices: mknod of anything, and the devices every container has.</summary>
    internal static readonly DeviceRule[] Defaults =
    [
        new('c', W, W, DevAccess.Mknod, true),
        new('b', W, W, DevAccess.Mknod, true),
        new('c', 1, 3, DevAccess.All, true),   // /dev/null
        new('c', 1, 8, DevAccess.All, true),   // /dev/random
        new('c', 1, 7, DevAccess.All, true),   // /dev/full
        new('c', 5, 0, DevAccess.All, true),   // /dev/tty
        new('c', 1, 5, DevAccess.All, true),   // /dev/zero
        new('c', 1, 9, DevAccess.All, true),   // /dev/urandom
        new('c', 5, 1, DevAccess.All, true),   // /dev/console
        new('c', 136, W, DevAccess.All, true), // /dev/pts/*
        new('c', 5, 2, DevAccess.All, true),   // /dev/ptmx
        new('c', 10, 200, DevAccess.All, true), // /dev/net/tun
    ];

    /// <summary>The target state: deny everything, then the config's rules in order, then the defaults.</summary>
    internal static DeviceEmulator Target(IReadOnlyList<LinuxDeviceCgroup>? config)
    {
        var emu = new DeviceEmulator();
        for (int i = 0; i < (config?.Count ?? 0); i++) emu.Apply(DeviceRule.From(config![i], i));
        foreach (var d in Defaults) emu.Apply(d);
        return emu;
    }

    /// <summary>
    /// v1 writes that take the cgroup from <paramref name="current"/> (null: unknown, e.g. fresh) to the target.
    /// When both deny by default, only the differing exceptions are written, so a running container never
    /// loses a device it keeps; otherwise the list is reset with an "a" line first.
    /// </summary>
    internal static List<CgroupWrite> V1Writes(DeviceEmulator target, DeviceEmulator? current)
    {
        const string field = "linux.resources.devices";
        var w = new List<CgroupWrite>();
        if (current is { DefaultAllow: false } && !target.DefaultAllow)
        {
            foreach (var e in target.Exceptions)
            {
                var had = current.Exceptions.FirstOrDefault(c => c.Type == e.Type && c.Major == e.Major && c.Minor == e.Minor);
                if (had.Type == 0 || (e.Access & ~had.Access) != DevAccess.None) w.Add(new("devices", "devices.allow", e.V1Line, field));
            }
            foreach (var c in current.Exceptions)
            {
                var keep = target.Exceptions.FirstOrDefault(e => e.Type == c.Type && e.Major == c.Major && e.Minor == c.Minor);
                var revoke = keep.Type == 0 ? c.Access : c.Access & ~keep.Access;
                if (revoke != DevAccess.None) w.Add(new("devices", "devices.deny", (c with { Access = revoke }).V1Line, field));
            }
            return w;
        }
        w.Add(new("devices", target.DefaultAllow ? "devices.allow" : "devices.deny", "a", field, IsDefault: target.DefaultAllow));
        foreach (var e in target.Exceptions)
            w.Add(new("devices", target.DefaultAllow ? "devices.deny" : "devices.allow", e.V1Line, field));
        return w;
    }
}
