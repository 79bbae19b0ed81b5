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
            if (arches.Contains(want)) return want;
            // The other half of AUDIT_ARCH_X86_64 is covered: the number is just unknown there.
            var other = want == SeccompArch.X32 ? SeccompArch.X86_64 : SeccompArch.X32;
            return arches.Contains(other) ? other : null;
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
        bool x32Half = auditArch == AuditArch.X86_64 && (nr & AuditArch.X32SyscallBit) != 0;
        // A number from the x32 half looked up in the x86_64 table (or the reverse) is not a syscall there.
        bool crossHalf = auditArch == AuditArch.X86_64 && (arch == SeccompArch.X32) != x32Half;
        string? name = crossHalf || nr > int.MaxValue ? null : SyscallTables.GetName(arch.Value, (int)nr);

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
                if (r.Args.Count == 0) { uncond ??= ret; continue; }
                if (r.Args.All(c => Holds(c, args[c.Index], wide)) && !holding.Contains(ret)) holding.Add(ret);
            }
        }
        if (uncond is uint u) return [u];
        if (holding.Count > 0) return holding;
        if (!named && !crossHalf && EnosysApplies(p, enosys))
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
            CompareOp.MaskedEqual => (arg & v) == v2,
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
    }
}
