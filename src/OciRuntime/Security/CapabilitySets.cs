using OciSpec;

namespace OciRuntime.Security;

/// <summary>The five capability sets as bit masks, checked against what the running kernel knows.</summary>
internal sealed record CapabilitySets(ulong Bounding, ulong Effective, ulong Permitted, ulong Inheritable, ulong Ambient)
{
    internal static int LastCap() =>
        int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out int n) ? n : 40;

    internal static CapabilitySets From(LinuxCapabilities? caps, int lastCap) => new(
        Mask(caps?.Bounding, "bounding", lastCap), Mask(caps?.Effective, "effective", lastCap),
        Mask(caps?.Permitted, "permitted", lastCap), Mask(caps?.Inheritable, "inheritable", lastCap),
        Mask(caps?.Ambient, "ambient", lastCap));

    private static ulong Mask(List<string>? names, string set, int lastCap)
    {
        ulong m = 0;
        if (names is null) return 0;
        for (int i = 0; i < names.Count; i++)
        {
            if (!Capabilities.TryGetBit(names[i], out int bit))
                throw new RuntimeError($"process.capabilities.{set}[{i}]: unknown capability \"{names[i]}\"");
            if (bit > lastCap)
                throw new RuntimeError($"process.capabilities.{set}[{i}]: {names[i]} is not known to this kernel (cap_last_cap is {lastCap})");
            m |= 1UL << bit;
        }
        return m;
    }
}
