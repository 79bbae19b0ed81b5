using Seccomp.Bpf;

namespace Seccomp.Compile;

/// <summary>
/// Splits the whole 32-bit <c>seccomp_data.nr</c> space of one AUDIT_ARCH into ranges with one outcome each.
/// x86_64 and x32 share AUDIT_ARCH_X86_64, so for that arch the space is [0, 2^30) for x86_64 and
/// [2^30, 2^32) for x32 (numbers with __X32_SYSCALL_BIT); a half whose ABI the filter does not cover gets
/// the bad-arch action, as libseccomp's filter does (checked against libseccomp 2.5.4 in the tests).
/// </summary>
internal static class NumberSpace
{
    public static List<Range> Build(IReadOnlyList<ArchPlan> plansForAuditArch, ResolvedProfile profile)
    {
        var ranges = new List<Range>();
        var x86_64 = plansForAuditArch.FirstOrDefault(p => p.Arch == SeccompArch.X86_64);
        var x32 = plansForAuditArch.FirstOrDefault(p => p.Arch == SeccompArch.X32);
        if (x86_64 is not null || x32 is not null)
        {
            AddSpan(ranges, x86_64, 0, AuditArch.X32SyscallBit - 1, profile);
            if (x32 is null && x86_64 is not null)
            {
                // libseccomp lets nr == -1 (0xffffffff: what a tracer sets to skip a call) through its
                // x86_64 block to the default action; the rest of the x32 half is a bad arch.
                AddSpan(ranges, null, AuditArch.X32SyscallBit, uint.MaxValue - 1, profile);
                ranges.Add(new Range(uint.MaxValue, uint.MaxValue, Leaf.Return(profile.DefaultRet), 0));
            }
            else
            {
                AddSpan(ranges, x32, AuditArch.X32SyscallBit, uint.MaxValue, profile);
            }
        }
        else
        {
            AddSpan(ranges, plansForAuditArch[0], 0, uint.MaxValue, profile);
        }
        return Merge(ranges);
    }

    private static void AddSpan(List<Range> ranges, ArchPlan? plan, uint lo, uint hi, ResolvedProfile profile)
    {
        var deflt = Leaf.Return(profile.DefaultRet);
        if (plan is null)
        {
            ranges.Add(new Range(lo, hi, Leaf.Return(profile.BadArchRet), 0));
            return;
        }
        // Table syscalls per number, to weight ranges by how many real syscalls land in them.
        var known = KnownNumbers(plan.Arch);

        uint next = lo;
        foreach (var (nr, sp) in plan.Syscalls)
        {
            uint n = (uint)nr;
            if (n < lo || n > hi) continue;
            if (n > next) ranges.Add(new Range(next, n - 1, deflt, Count(known, next, n - 1)));
            var leaf = sp.UnconditionalRule is not null || sp.Rules.Count == 0
                ? Leaf.Return(sp.UnconditionalRule is not null ? sp.UnconditionalRet : profile.DefaultRet)
                : Leaf.Conditional(sp.Rules, profile.DefaultRet, AuditArch.Is64Bit(plan.Arch));
            ranges.Add(new Range(n, n, leaf, 1));
            next = n + 1;
            if (next == 0) return; // wrapped: n was uint.MaxValue
        }
        if (next > hi && next != 0) return;
        // Above the last number the profile names: ENOSYS (runc's patch), else the default action.
        if (profile.EnosysRet is uint enosys && plan.MaxNamed >= 0 && (uint)plan.MaxNamed < hi)
        {
            uint limit = (uint)plan.MaxNamed; // >= next - 1: every planned number is a named one
            if (limit >= next) ranges.Add(new Range(next, limit, deflt, Count(known, next, limit)));
            uint from = Math.Max(next, limit + 1);
            ranges.Add(new Range(from, hi, Leaf.Return(enosys), Count(known, from, hi)));
        }
        else
        {
            ranges.Add(new Range(next, hi, deflt, Count(known, next, hi)));
        }
    }

    // Distinct table numbers per arch, ascending: built once (they are constants), counted by binary search.
    private static readonly uint[]?[] Known = new uint[]?[Enum.GetValues<SeccompArch>().Length];

    private static uint[] KnownNumbers(SeccompArch arch)
    {
        var k = Volatile.Read(ref Known[(int)arch]);
        if (k is null)
        {
            var all = new List<uint>(512);
            foreach (var (_, nr) in SyscallTables.Entries(arch)) all.Add((uint)nr);
            all.Sort();
            var list = new List<uint>(all.Count);
            foreach (uint nr in all) if (list.Count == 0 || list[^1] != nr) list.Add(nr); // aliases share a number
            k = list.ToArray();
            Volatile.Write(ref Known[(int)arch], k);
        }
        return k;
    }

    private static int Count(uint[] known, uint lo, uint hi) => lo > hi ? 0 : LowerBound(known, hi + 1L) - LowerBound(known, lo);

    /// <summary>Index of the first element >= value.</summary>
    private static int LowerBound(uint[] a, long value)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private static List<Range> Merge(List<Range> ranges)
    {
        var merged = new List<Range>(ranges.Count);
        foreach (var r in ranges)
        {
            if (merged.Count > 0 && merged[^1].Leaf.Equals(r.Leaf) && merged[^1].Hi + 1 == r.Lo)
                merged[^1] = merged[^1] with { Hi = r.Hi, Weight = merged[^1].Weight + r.Weight };
            else
                merged.Add(r);
        }
        return merged;
    }
}
