using System.Globalization;
using System.Text;
using Seccomp.Bpf;
using Seccomp.Compile;

namespace Seccomp;

/// <summary>
/// For <c>ocirun seccomp explain</c>: which rule decides a syscall, with what action, and what the compiled
/// filter actually returns for the same input (they must agree; if not, that is a compiler bug worth a report).
/// </summary>
public static class SeccompExplain
{
    /// <param name="arch">An arch as <see cref="SeccompNames.TryParseArch"/> takes it.</param>
    /// <param name="syscall">A syscall name, or a number (decimal or 0x hex) as seccomp_data.nr sees it.</param>
    /// <param name="args">Up to six argument values; missing ones are zero.</param>
    public static string Explain(SeccompProfile profile, string arch, string syscall, ulong[] args) =>
        Explain(profile, arch, syscall, args, null);

    public static string Explain(SeccompProfile profile, string arch, string syscall, ulong[] args, CompileOptions? options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        options ??= CompileOptions.Default;
        if (!SeccompNames.TryParseArch(arch, out var a))
            throw new SeccompException($"arch: unknown or unsupported architecture \"{arch}\"");
        if (args.Length > 6) throw new SeccompException($"args: {args.Length} values given, a syscall has at most 6");
        var full = new ulong[6];
        args.CopyTo(full, 0);

        int nr;
        if (TryParseNumber(syscall, out uint n)) nr = unchecked((int)n);
        else if (!SyscallTables.TryGetNumber(a, syscall, out nr))
            throw new SeccompException($"syscall: \"{syscall}\" is not a {ProfileResolver.ArchShortName(a)} syscall (table: {SyscallTables.HeaderSource(a)})");
        string name = SyscallTables.GetName(a, nr) ?? "(no name)";

        var resolved = ProfileResolver.Resolve(profile, options);
        var program = SeccompCompiler.Compile(profile, options).Program;
        uint answer = Interpreter.Run(program, AuditArch.Of(a), unchecked((uint)nr), full, out int steps);

        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{ProfileResolver.ArchShortName(a)} {name} (nr {nr}, 0x{unchecked((uint)nr):x}), args [{string.Join(", ", full.Select(v => "0x" + v.ToString("x", CultureInfo.InvariantCulture)))}]\n");

        // x86_64 and x32 share AUDIT_ARCH_X86_64: the number's x32 bit says which table answers
        // (nr -1 stays with x86_64 when the filter has no x32 part, as libseccomp's filter does).
        bool hasX32 = resolved.Arches.Any(p => p.Arch == SeccompArch.X32);
        bool x32Half = unchecked((uint)nr) >= AuditArch.X32SyscallBit;
        if (a == SeccompArch.X86_64 && x32Half && (hasX32 || nr != -1)) a = SeccompArch.X32;
        else if (a == SeccompArch.X32 && !x32Half) a = SeccompArch.X86_64;
        var plan = resolved.Arches.FirstOrDefault(p => p.Arch == a);
        uint expected;
        if (plan is null)
        {
            expected = resolved.BadArchRet;
            sb.Append(CultureInfo.InvariantCulture, $"the filter does not cover {ProfileResolver.ArchShortName(a)} (architectures, plus the native {ProfileResolver.ArchShortName(options.NativeArch)}): bad-arch action\n");
        }
        else if (plan.Syscalls.TryGetValue(nr, out var sp))
        {
            expected = Decide(sp, resolved, full, AuditArch.Is64Bit(a), sb);
        }
        else
        {
            bool named = profile.Syscalls.Any(r => r.Names.Any(x => SyscallTables.TryGetNumber(a, x, out int m) && m == nr));
            if (resolved.EnosysRet is uint enosys && plan.MaxNamed >= 0 && unchecked((uint)nr) > (uint)plan.MaxNamed
                && !(a == SeccompArch.X86_64 && x32Half))
            {
                expected = enosys;
                sb.Append(CultureInfo.InvariantCulture, $"no rule names it and it is above {plan.MaxNamed}, the highest number the profile names for this arch: ENOSYS, so that a libc falls back as on an older kernel\n");
            }
            else
            {
                expected = resolved.DefaultRet;
                sb.Append(named
                    ? "only rules with the default action name it: default action\n"
                    : "no rule names it: default action\n");
            }
        }
        sb.Append(CultureInfo.InvariantCulture, $"decision: {ActionCodes.Describe(expected)}\n");
        sb.Append(CultureInfo.InvariantCulture, $"compiled filter: {ActionCodes.Describe(answer)} after {steps} instructions of {program.Length}\n");
        if (answer != expected)
            sb.Append("WARNING: the compiled filter disagrees with the rules; please report this profile\n");
        return sb.ToString();
    }

    private static uint Decide(SyscallPlan sp, ResolvedProfile resolved, ulong[] args, bool wide, StringBuilder sb)
    {
        if (sp.UnconditionalRule is int u)
        {
            sb.Append(CultureInfo.InvariantCulture, $"syscalls[{u}] names it without conditions (the first such rule wins over every conditional one): {ActionCodes.Describe(sp.UnconditionalRet)}\n");
            return sp.UnconditionalRet;
        }
        foreach (var rule in sp.Rules)
        {
            var failed = rule.Conds.FirstOrDefault(c => !Holds(c, args, wide));
            string conds = string.Join(" && ", rule.Conds.Select(Describe));
            if (failed == default)
            {
                sb.Append(CultureInfo.InvariantCulture, $"syscalls[{rule.RuleIndex}] ({conds}) holds: {ActionCodes.Describe(rule.Ret)}\n");
                return rule.Ret;
            }
            sb.Append(CultureInfo.InvariantCulture, $"syscalls[{rule.RuleIndex}] ({conds}) does not hold: {Describe(failed)} is false for 0x{args[failed.Index]:x}\n");
        }
        sb.Append("no conditional rule holds: default action\n");
        return resolved.DefaultRet;
    }

    private static bool Holds(Cond c, ulong[] args, bool wide)
    {
        // Conditions were narrowed for 32-bit ABIs; compare the argument the same way.
        ulong v = wide ? args[c.Index] : args[c.Index] & 0xffffffff;
        return c.Op switch
        {
            CompareOp.NotEqual => v != c.Value,
            CompareOp.LessThan => v < c.Value,
            CompareOp.LessOrEqual => v <= c.Value,
            CompareOp.Equal => v == c.Value,
            CompareOp.GreaterOrEqual => v >= c.Value,
            CompareOp.GreaterThan => v > c.Value,
            CompareOp.MaskedEqual => (v & c.Value) == c.ValueTwo,
            _ => false,
        };
    }

    private static string Describe(Cond c) => c.Op switch
    {
        CompareOp.MaskedEqual => $"(args[{c.Index}] & 0x{c.Value:x}) == 0x{c.ValueTwo:x}",
        _ => $"args[{c.Index}] {Symbol(c.Op)} 0x{c.Value:x}",
    };

    private static string Symbol(CompareOp op) => op switch
    {
        CompareOp.NotEqual => "!=", CompareOp.LessThan => "<", CompareOp.LessOrEqual => "<=",
        CompareOp.Equal => "==", CompareOp.GreaterOrEqual => ">=", CompareOp.GreaterThan => ">", _ => "?",
    };

    private static bool TryParseNumber(string s, out uint n)
    {
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return uint.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out n);
        if (s.StartsWith('-') && int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int neg)) { n = unchecked((uint)neg); return true; }
        return uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);
    }
}
