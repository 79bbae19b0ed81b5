using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>The five capability sets as bit masks, checked against what the running kernel knows.</summary>
/// <remarks>
/// A name that is not a capability at all is an error naming it (a typo must not silently weaken or change a
/// config). A real capability that this kernel does not have (above /proc/sys/kernel/cap_last_cap, e.g.
/// CAP_CHECKPOINT_RESTORE on an old kernel) is skipped with a warning, as runc does: no process can hold a
/// capability the kernel lacks, so skipping it grants nothing, while refusing would break the configs Docker and
/// containerd generate for every kernel.
/// </remarks>
internal sealed record CapabilitySets(ulong Bounding, ulong Effective, ulong Permitted, ulong Inheritable, ulong Ambient)
{
    internal static int LastCap() =>
        int.TryParse(File.ReadAllText("/proc/sys/kernel/cap_last_cap").Trim(), out int n) ? n : 40;

    internal static CapabilitySets From(LinuxCapabilities? caps, int lastCap) => new(
        Mask(caps?.Bounding, "bounding", lastCap), Mask(caps?.Effective, "effective", lastCap),
        Mask(caps?.Permitted, "permitted", lastCap), Mask(caps?.Inheritable, "inheritable", lastCap),
        Mask(caps?.Ambient, "ambient", lastCap));

    /// <summary>Names this kernel does not know, for the parent's warning (distinct, in config order).</summary>
    internal static List<string> UnknownToKernel(LinuxCapabilities? caps, int lastCap)
    {
        var names = new List<string>();
        foreach (var set in new[] { caps?.Bounding, caps?.Effective, caps?.Permitted, caps?.Inheritable, caps?.Ambient })
            foreach (var n in set ?? [])
                if (SpecKernelValues.TryGetCapabilityBit(n, out int bit) && bit > lastCap && !names.Contains(n)) names.Add(n);
        return names;
    }

    /// <summary>The parent's warning on stderr (once per create or exec).</summary>
    internal static void WarnUnknownToKernel(LinuxCapabilities? caps, int lastCap)
    {
        var unknown = UnknownToKernel(caps, lastCap);
        if (unknown.Count > 0)
            Console.Error.WriteLine($"ocirun: warning: process.capabilities: ignoring capabilities this kernel does not know (cap_last_cap is {lastCap}): {string.Join(", ", unknown)}");
    }

    private static ulong Mask(List<string>? names, string set, int lastCap)
    {
        ulong m = 0;
        if (names is null) return 0;
        for (int i = 0; i < names.Count; i++)
        {
            if (!SpecKernelValues.TryGetCapabilityBit(names[i], out int bit))
                throw new RuntimeError($"process.capabilities.{set}[{i}]: unknown capability \"{names[i]}\"");
            if (bit > lastCap) continue;
            m |= 1UL << bit;
        }
        return m;
    }
}
