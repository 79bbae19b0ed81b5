using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// The profile's meaning, written directly from the rules (independently of the compiler's code): for one
/// (arch, nr, args), the return values the rules allow, first-in-profile-order first. More than one value
/// means overlapping conditional rules with different actions, where libseccomp's answer depends on its
/// internal tree order; there we only require ours to be the first.
/// </summary>
public static class Reference
{
    public const uint Enosys = 0x00050000 | 38;

    public static uint RetOf(SeccompAction a, uint? errno) => a switch
    {
        SeccompAction.KillThread => 0,
        SeccompAction.KillProcess => 0x80000000,
        SeccompAction.Trap => 0x00030000,
        SeccompAction.Errno => 0x00050000 | ((errno ?? 1) & 0xffff),
        SeccompAction.Trace => 0x7ff00000 | ((errno ?? 1) & 0xffff),
        SeccompAction.Allow => 0x7fff0000,
        SeccompAction.Log => 0x7ffc0000,
        SeccompAction.Notify => 0x7fc00000,
        _ => throw new ArgumentOutOfRangeException(nameof(a)),
    };

    public static List<SeccompArch> Arches(SeccompProfile p, SeccompArch native)
    {
        var list = new List<SeccompArch> { native };
        foreach (var s in p.Architectures)
            if (SeccompNames.TryParseArch(s, out var a) && !list.Contains(a)) list.Add(a);
        return list;
    }

    public static bool EnosysApplies(SeccompProfile p, bool enabled)
    {
        uint def = RetOf(p.DefaultAction, p.DefaultErrnoRet);
        return enabled && p.DefaultAction is not (SeccompAction.Allow or SeccompAction.Log or SeccompAction.Trace) && def != Enosys;
    }

    public static int MaxNamed(SeccompProfile p, SeccompArch arch)
    {
        int max = -1;
        foreach (var r in p.Syscalls)
            foreach (var n in r.Names)
                if (SyscallTables.TryGetNumber(arch, n, out int nr)) max = Math.Max(max, nr);
        return max;
    }

    /// <summary>Which table answers for this input, or null for an arch the filter does not cover.</summary>
    public static SeccompArch? ArchFor(SeccompProfile p, SeccompArch native, uint auditArch, uint nr)
    {
        var arches = Arches(p, native);
        if (auditArch == AuditArch.X86_64)
        {
            var want = (nr & AuditArch.X32SyscallBit) != 0 ? SeccompArch.X32 : SeccompArch.X86_64;
            // The half of AUDIT_ARCH_X86_64 whose ABI the profile does not cover is a bad arch (libseccomp),
            // except nr -1, which libseccomp's x86_64 block lets through.
            if (nr == uint.MaxValue && !arches.Contains(SeccompArch.X32) && arches.Contains(SeccompArch.X86_64)) return SeccompArch.X86_64;
            return arches.Contains(want) ? want : null;
        }
        foreach (var a in arches)
            if (a is not (SeccompArch.X86_64 or SeccompArch.X32) && AuditArch.Of(a) == auditArch) return a;
        return null;
    }

    public static List<uint> Evaluate(SeccompProfile p, SeccompArch native, bool enosys, uint auditArch, uint nr, ulong[] args, uint badArch = 0x80000000)
    {
        var arch = ArchFor(p, native, auditArch, nr);
        if (arch is null) return [badArch];
        uint def = RetOf(p.DefaultAction, p.DefaultErrnoRet);
        string? name = nr > int.MaxValue ? null : SyscallTables.GetName(arch.Value, (int)nr);

        bool wide = AuditArch.Is64Bit(arch.Value);
        uint? uncond = null;
        var holding = new List<uint>();
        bool named = false;
        if (name is not null)
        {
            foreach (var r in p.Syscalls)
            {
                uint ret = RetOf(r.Action, r.ErrnoRet);
                bool mine = r.Names.Any(n => SyscallTables.TryGetNumber(arch.Value, n, out int x) && (uint)x == nr);
                if (!mine) continue;
                named = true;
                if (ret == def) continue;
                // A MASKED_EQ with a zero mask always holds; libseccomp drops it, and a rule with nothing
                // left is unconditional.
                bool trivial = r.Args.All(c => c.Op == CompareOp.MaskedEqual && (wide ? c.Value : c.Value & 0xffffffff) == 0);
                if (trivial) { uncond ??= ret; continue; }
                if (r.Args.All(c => Holds(c, args[c.Index], wide)) && !holding.Contains(ret)) holding.Add(ret);
            }
        }
        if (uncond is uint u) return [u];
        if (holding.Count > 0) return holding;
        // runc's stub skips x32-half numbers on an x86_64-only filter (nr -1 reaches here).
        if (!named && EnosysApplies(p, enosys) && !(arch == SeccompArch.X86_64 && nr >= AuditArch.X32SyscallBit))
        {
            int max = MaxNamed(p, arch.Value);
            if (max >= 0 && nr > (uint)max) return [Enosys];
        }
        return [def];
    }

    public static bool Holds(ArgCondition c, ulong arg, bool wide)
    {
        ulong v = c.Value, v2 = c.ValueTwo;
        if (!wide) { arg &= 0xffffffff; v &= 0xffffffff; v2 &= 0xffffffff; }
        return c.Op switch
        {
            CompareOp.NotEqual => arg != v,
            CompareOp.LessThan => arg < v,
            CompareOp.LessOrEqual => arg <= v,
            CompareOp.Equal => arg == v,
            CompareOp.GreaterOrEqual => arg >= v,
            CompareOp.GreaterThan => arg > v,
            CompareOp.MaskedEqual => (arg & v) == (v2 & v), // libseccomp masks the datum too
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }
}

/// <summary>
/// Whether two conditional rules could both hold for one input. Where rules with different actions overlap,
/// libseccomp 2.5.4 merges their comparison trees node by node and its answer depends on insertion order
/// (and sometimes drops part of a rule), so the tests compare such syscalls with the reference only.
/// Conservative: "maybe" counts as overlapping.
/// </summary>
public static class Overlap
{
    public static bool MayOverlap(IReadOnlyList<ArgCondition> a, IReadOnlyList<ArgCondition> b, bool wide)
    {
        foreach (var x in a)
            foreach (var y in b)
                if (x.Index == y.Index && Disjoint(Norm(x, wide), Norm(y, wide))) return false;
        return true;
    }

    private static ArgCondition Norm(ArgCondition c, bool wide)
    {
        ulong keep = wide ? ulong.MaxValue : 0xffffffff;
        return c with { Value = c.Value & keep, ValueTwo = c.Op == CompareOp.MaskedEqual ? c.ValueTwo & c.Value & keep : 0 };
    }

    private static bool Disjoint(ArgCondition x, ArgCondition y)
    {
        if (x.Op == CompareOp.Equal) return !Reference.Holds(y, x.Value, true);
        if (y.Op == CompareOp.Equal) return !Reference.Holds(x, y.Value, true);
        if (x.Op == CompareOp.MaskedEqual && y.Op == CompareOp.MaskedEqual)
            return ((x.Value & y.Value) & (x.ValueTwo ^ y.ValueTwo)) != 0;
        var (xl, xh) = Interval(x);
        var (yl, yh) = Interval(y);
        if (xl is null || yl is null) return false;
        return xh < yl || yh < xl;
    }

    private static (ulong? Lo, ulong Hi) Interval(ArgCondition c) => c.Op switch
    {
        CompareOp.LessThan => c.Value == 0 ? (ulong.MaxValue, 0) : (0, c.Value - 1),
        CompareOp.LessOrEqual => (0, c.Value),
        CompareOp.GreaterThan => c.Value == ulong.MaxValue ? (ulong.MaxValue, 0) : (c.Value + 1, ulong.MaxValue),
        CompareOp.GreaterOrEqual => (c.Value, ulong.MaxValue),
        _ => (null, 0),
    };
}
