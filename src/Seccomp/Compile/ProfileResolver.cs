using Seccomp.Bpf;

namespace Seccomp.Compile;

/// <summary>
/// Validates a profile and resolves it per arch into <see cref="SyscallPlan"/>s, following how runc feeds
/// libseccomp and how libseccomp's db.c merges rules for the same syscall:
/// <list type="bullet">
/// <item>a rule whose action equals the default action is dropped (runc skips it; libseccomp would refuse it);</item>
/// <item>the first unconditional rule for a syscall wins (a rule whose conditions are all MASKED_EQ with a
///   zero mask counts as unconditional, as libseccomp drops such conditions): later rules for it are ignored, and it replaces
///   conditional rules added before it (db.c: "syscall exists without any chains" / "new filter has no chains");</item>
/// <item>otherwise the conditional rules are kept in profile order; the first one whose conditions all hold
///   decides (when two with different actions both hold, libseccomp's answer depends on its tree order;
///   ours is the profile order);</item>
/// <item>names an arch does not know are skipped for that arch.</item>
/// </list>
/// </summary>
internal static class ProfileResolver
{
    public static ResolvedProfile Resolve(SeccompProfile profile, CompileOptions options)
    {
        if (!Enum.IsDefined(profile.DefaultAction))
            throw new SeccompException($"defaultAction: unknown action {(int)profile.DefaultAction}");
        if (profile.DefaultAction == SeccompAction.Notify)
            throw new SeccompException("defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
        CheckErrno("defaultErrnoRet", profile.DefaultAction, profile.DefaultErrnoRet);
        uint defaultRet = ActionCodes.RetValue(profile.DefaultAction, profile.DefaultErrnoRet);

        var arches = new List<SeccompArch> { options.NativeArch };
        for (int i = 0; i < profile.Architectures.Count; i++)
        {
            if (!SeccompNames.TryParseArch(profile.Architectures[i], out var a))
                throw new SeccompException($"architectures[{i}]: unknown or unsupported architecture \"{profile.Architectures[i]}\"");
            if (!arches.Contains(a)) arches.Add(a);
        }

        uint flags = 0;
        for (int i = 0; i < profile.Flags.Count; i++)
        {
            if (!SeccompNames.TryParseFlag(profile.Flags[i], out uint f))
                throw new SeccompException($"flags[{i}]: unknown flag \"{profile.Flags[i]}\"");
            flags |= f;
        }

        bool usesNotify = false;
        for (int r = 0; r < profile.Syscalls.Count; r++)
        {
            var rule = profile.Syscalls[r];
            if (!Enum.IsDefined(rule.Action))
                throw new SeccompException($"syscalls[{r}].action: unknown action {(int)rule.Action}");
            CheckErrno($"syscalls[{r}].errnoRet", rule.Action, rule.ErrnoRet);
            for (int a = 0; a < rule.Args.Count; a++)
            {
                var arg = rule.Args[a];
                if (arg.Index > 5)
                    throw new SeccompException($"syscalls[{r}].args[{a}].index: {arg.Index} is out of range 0..5");
                if (!Enum.IsDefined(arg.Op))
                    throw new SeccompException($"syscalls[{r}].args[{a}].op: unknown operator {(int)arg.Op}");
            }
            if (rule.Action == SeccompAction.Notify)
            {
                usesNotify = true;
                for (int n = 0; n < rule.Names.Count; n++)
                    if (rule.Names[n] == "write") // the runtime itself writes to the container's sync pipe
                        throw new SeccompException($"syscalls[{r}].names[{n}]: SCMP_ACT_NOTIFY cannot be used for \"write\"");
            }
        }
        if (usesNotify) flags |= FilterFlags.NewListener;

        var skipped = new List<string>();
        var skippedSet = new HashSet<string>(StringComparer.Ordinal);
        var plans = new List<ArchPlan>();
        foreach (var arch in arches)
            plans.Add(ResolveArch(profile, arch, defaultRet, skipped, skippedSet));

        bool permissiveDefault = profile.DefaultAction is SeccompAction.Allow or SeccompAction.Log or SeccompAction.Trace;
        uint enosys = Ret.Errno | Ret.Enosys;
        return new ResolvedProfile
        {
            Arches = plans,
            DefaultRet = defaultRet,
            BadArchRet = ActionCodes.RetValue(options.BadArchAction, null),
            EnosysRet = options.EnosysForUnknownSyscalls && !permissiveDefault && defaultRet != enosys ? enosys : null,
            FilterFlags = flags,
            UsesNotify = usesNotify,
            Skipped = skipped,
        };
    }

    private static void CheckErrno(string path, SeccompAction action, uint? errno)
    {
        if (errno is null) return;
        if (!ActionCodes.TakesData(action))
            throw new SeccompException($"{path}: {errno} given, but only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno");
        if (errno > 0xffff)
            throw new SeccompException($"{path}: {errno} does not fit in 16 bits");
    }

    private static ArchPlan ResolveArch(SeccompProfile profile, SeccompArch arch, uint defaultRet, List<string> skipped, HashSet<string> skippedSet)
    {
        var plan = new ArchPlan { Arch = arch };
        bool wide = AuditArch.Is64Bit(arch);
        string archName = ArchShortName(arch);
        for (int r = 0; r < profile.Syscalls.Count; r++)
        {
            var rule = profile.Syscalls[r];
            uint ret = ActionCodes.RetValue(rule.Action, rule.ErrnoRet);
            List<Cond>? conds = null;
            foreach (var name in rule.Names)
            {
                if (!SyscallTables.TryGetNumber(arch, name, out int nr))
                {
                    string entry = $"{archName}:{name}";
                    if (skippedSet.Add(entry)) skipped.Add(entry);
                    continue;
                }
                // runc counts every named syscall, whatever its action, for the -ENOSYS limit.
                if (nr > plan.MaxNamed) plan.MaxNamed = nr;
                if (ret == defaultRet) continue;

                if (!plan.Syscalls.TryGetValue(nr, out var sp))
                    plan.Syscalls[nr] = sp = new SyscallPlan { Name = name };
                if (sp.UnconditionalRule is not null) continue; // first unconditional rule wins
                conds ??= Narrow(rule.Args, wide);
                if (conds.Count == 0)
                {
                    sp.UnconditionalRule = r;
                    sp.UnconditionalRet = ret;
                    sp.Rules.Clear();
                    continue;
                }
                sp.Rules.Add(new CondRule(r, conds, ret));
            }
        }
        return plan;
    }

    /// <summary>
    /// On 32-bit ABIs libseccomp compares only the low 32 bits of values and masks. For MASKED_EQ it
    /// compares against datum &amp; mask (bits of the datum outside the mask are ignored, not "never equal"),
    /// so a MASKED_EQ with a zero mask always holds: libseccomp drops it, and a rule left with no condition
    /// counts as unconditional for the precedence above.
    /// </summary>
    private static List<Cond> Narrow(IReadOnlyList<ArgCondition> args, bool wide)
    {
        var list = new List<Cond>(args.Count);
        foreach (var a in args)
        {
            ulong keep = wide ? ulong.MaxValue : 0xffffffff;
            ulong value = a.Value & keep, two = a.ValueTwo & keep;
            if (a.Op == CompareOp.MaskedEqual) two &= value;
            if (a.Op == CompareOp.MaskedEqual && value == 0) continue;
            list.Add(new Cond(a.Index, a.Op, value, a.Op == CompareOp.MaskedEqual ? two : 0));
        }
        return list;
    }

    public static string ArchShortName(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => "x86_64",
        SeccompArch.X86 => "x86",
        SeccompArch.X32 => "x32",
        SeccompArch.Aarch64 => "aarch64",
        SeccompArch.Arm => "arm",
        _ => arch.ToString(),
    };
}
