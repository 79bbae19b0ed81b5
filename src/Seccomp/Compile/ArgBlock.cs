using Seccomp.Bpf;

namespace Seccomp.Compile;

/// <summary>
/// Emits the argument checks of one syscall: its conditional rules in order, each an AND of conditions,
/// the first rule that holds returning its action, the default after the last.
/// 64-bit values are compared as two 32-bit halves, high half first, the way libseccomp's gen_bpf.c does:
/// the high halves decide unless they are equal, then the low halves decide. On 32-bit ABIs only the low
/// halves are compared. Conditions that are constant (a zero mask half, <c>&gt;= 0</c>, <c>&lt; 0</c>) are folded.
/// </summary>
internal static class ArgBlock
{
    /// <summary>Builds the instructions (not yet appended); the first one is the entry.</summary>
    public static List<Insn> Build(Leaf leaf, Func<uint, Insn> ret)
    {
        bool wide = leaf.Wide;
        // Built back to front so every jump target already exists.
        var fallback = ret(leaf.Ret);
        var blocks = new List<List<Insn>>();
        Insn next = fallback;
        for (int r = leaf.Rules.Count - 1; r >= 0; r--)
        {
            var rule = leaf.Rules[r];
            var code = BuildRule(rule, wide, ret(rule.Ret), next);
            if (code is null) continue;        // can never hold: skip the rule
            if (code.Count == 0) { blocks.Clear(); next = ret(rule.Ret); continue; } // always holds
            blocks.Insert(0, code);
            next = code[0];
        }
        var all = new List<Insn>();
        foreach (var b in blocks) all.AddRange(b);
        if (all.Count == 0) all.Add(Insn.Jump(next)); // every rule folded away: keep an entry point
        SkipRedundantLoads(all);
        return all;
    }

    /// <summary>
    /// A jump to a load of the word the accumulator already holds can land just after that load (the next
    /// rule testing the same half of the same argument, say). The accumulator at each instruction is known
    /// from the straight-line order: every jump target in a block is a load, a RET, or a test reached with
    /// the same word from both sides, so the result never depends on the path (the tests check that).
    /// </summary>
    private static void SkipRedundantLoads(List<Insn> code)
    {
        var position = new Dictionary<Insn, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < code.Count; i++) position[code[i]] = i;
        long held = -1; // offset of the word in A, or -1 when unknown
        foreach (var insn in code)
        {
            if (insn.Code == Op.LdAbsW) { held = insn.K; continue; }
            if (insn.Code == Op.AndK) { held = -1; continue; }
            if (!insn.IsConditional || held < 0) continue;
            insn.True = Skip(insn.True!, held, code, position);
            insn.False = Skip(insn.False!, held, code, position);
        }
    }

    private static Insn Skip(Insn target, long held, List<Insn> code, Dictionary<Insn, int> position) =>
        target.Code == Op.LdAbsW && target.K == held && position.TryGetValue(target, out int at) && at + 1 < code.Count
            ? code[at + 1]
            : target;

    /// <summary>null: the rule never holds; empty: it always holds.</summary>
    private static List<Insn>? BuildRule(CondRule rule, bool wide, Insn pass, Insn fail)
    {
        var code = new List<Insn>();
        Insn onPass = pass;
        for (int c = rule.Conds.Count - 1; c >= 0; c--)
        {
            var part = BuildCond(rule.Conds[c], wide, onPass, fail);
            if (part is null) return null;
            if (part.Count == 0) continue;
            code.InsertRange(0, part);
            onPass = part[0];
        }
        return code;
    }

    /// <summary>null: never holds; empty: always holds.</summary>
    private static List<Insn>? BuildCond(Cond c, bool wide, Insn pass, Insn fail)
    {
        uint hiOff = SeccompData.ArgHi(c.Index), loOff = SeccompData.ArgLo(c.Index);
        uint vHi = (uint)(c.Value >> 32), vLo = (uint)c.Value;
        if (!wide) vHi = 0;

        switch (c.Op)
        {
            case CompareOp.GreaterOrEqual when c.Value == 0 || (!wide && vLo == 0):
                return [];
            case CompareOp.LessThan when c.Value == 0 || (!wide && vLo == 0):
                return null;
            case CompareOp.MaskedEqual:
                return Masked(c, wide, hiOff, loOff, pass, fail);
        }

        // The low-half test, taking "pass"/"fail" in the sense of the whole condition.
        var ldLo = Insn.Load(loOff);
        Insn loTest = c.Op switch
        {
            CompareOp.Equal => Insn.Cond(Op.JeqK, vLo, pass, fail),
            CompareOp.NotEqual => Insn.Cond(Op.JeqK, vLo, fail, pass),
            CompareOp.GreaterThan => Insn.Cond(Op.JgtK, vLo, pass, fail),
            CompareOp.GreaterOrEqual => Insn.Cond(Op.JgeK, vLo, pass, fail),
            CompareOp.LessThan => Insn.Cond(Op.JgeK, vLo, fail, pass),
            CompareOp.LessOrEqual => Insn.Cond(Op.JgtK, vLo, fail, pass),
            _ => throw new ArgumentOutOfRangeException(nameof(c)),
        };
        if (!wide) return [ldLo, loTest];

        var ldHi = Insn.Load(hiOff);
        switch (c.Op)
        {
            case CompareOp.Equal:
                return [ldHi, Insn.Cond(Op.JeqK, vHi, ldLo, fail), ldLo, loTest];
            case CompareOp.NotEqual:
                return [ldHi, Insn.Cond(Op.JeqK, vHi, ldLo, pass), ldLo, loTest];
            case CompareOp.GreaterOrEqual when vLo == 0:
                // hi > vHi, or hi == vHi and lo >= 0: just hi >= vHi.
                return [ldHi, Insn.Cond(Op.JgeK, vHi, pass, fail)];
            case CompareOp.GreaterThan or CompareOp.GreaterOrEqual:
            {
                // hi > vHi: holds. hi == vHi: the low halves decide. hi < vHi: fails.
                // With vHi == 0, "not greater" already means "equal", so the equality test is dropped.
                if (vHi == 0) return [ldHi, Insn.Cond(Op.JgtK, 0, pass, ldLo), ldLo, loTest];
                var eq = Insn.Cond(Op.JeqK, vHi, ldLo, fail);
                return [ldHi, Insn.Cond(Op.JgtK, vHi, pass, eq), eq, ldLo, loTest];
            }
            case CompareOp.LessThan or CompareOp.LessOrEqual:
            {
                // hi > vHi: fails. hi == vHi: the low halves decide. hi < vHi: holds.
                if (vHi == 0) return [ldHi, Insn.Cond(Op.JgtK, 0, fail, ldLo), ldLo, loTest];
                var eq = Insn.Cond(Op.JeqK, vHi, ldLo, pass);
                return [ldHi, Insn.Cond(Op.JgtK, vHi, fail, eq), eq, ldLo, loTest];
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(c));
        }
    }

    /// <summary>(arg &amp; mask) == datum (already masked), half by half; a half with a zero mask always holds.</summary>
    private static List<Insn>? Masked(Cond c, bool wide, uint hiOff, uint loOff, Insn pass, Insn fail)
    {
        uint mHi = wide ? (uint)(c.Value >> 32) : 0, mLo = (uint)c.Value;
        uint dHi = wide ? (uint)(c.ValueTwo >> 32) : 0, dLo = (uint)c.ValueTwo;
        if ((mHi == 0 && dHi != 0) || (mLo == 0 && dLo != 0)) return null;

        var code = new List<Insn>();
        List<Insn> Half(uint off, uint mask, uint datum, Insn onTrue)
        {
            var part = new List<Insn> { Insn.Load(off) };
            if (mask != uint.MaxValue) part.Add(Insn.And(mask));
            part.Add(Insn.Cond(Op.JeqK, datum, onTrue, fail));
            return part;
        }
        if (mLo != 0) code = Half(loOff, mLo, dLo, pass);
        if (mHi != 0) code.InsertRange(0, Half(hiOff, mHi, dHi, code.Count > 0 ? code[0] : pass));
        return code;
    }
}
