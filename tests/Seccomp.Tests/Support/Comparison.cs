using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// Runs our program, libseccomp's program and <see cref="Reference"/> on the same inputs: every number of
/// each arch's table (and the gaps, and numbers past the end), with argument values at and around every
/// value the profile's conditions mention, plus seeded random mixes of them.
/// </summary>
public static class Comparison
{
    public sealed class Report
    {
        public int Inputs, ComparedWithLibseccomp, Ambiguous, Enosys, TableDiffers, LibseccompDefects, Overlapping;
        public List<string> Failures { get; } = [];
        public void Fail(string s) { if (Failures.Count < 25) Failures.Add(s); }
    }

    public static Report Run(SeccompProfile profile, CompileOptions options, int seed, int randomArgVectors = 24)
    {
        var report = new Report();
        var ours = SeccompCompiler.Compile(profile, options).Program;
        var ourHazards = AccumulatorCheck.Hazards(ours);
        if (ourHazards.Count > 0) report.Fail($"our program tests a path-dependent accumulator at {string.Join(",", ourHazards)}");
        var trace = new List<int>();
        var rng = new Random(seed);
        uint def = Reference.RetOf(profile.DefaultAction, profile.DefaultErrnoRet);
        var arches = Reference.Arches(profile, options.NativeArch);
        foreach (var arch in arches)
        {
            var lib = BuildLibseccomp(profile, arch, def, report, out var tableDiffers);
            var libHazards = AccumulatorCheck.Hazards(lib);
            report.TableDiffers += tableDiffers.Count;
            uint audit = AuditArch.Of(arch);
            bool wide = AuditArch.Is64Bit(arch);
            var overlapping = OverlappingSyscalls(profile, arch, def);
            foreach (uint nr in Numbers(profile, arch, arches))
            {
                foreach (var args in ArgVectors(profile, arch, nr, wide, rng, randomArgVectors))
                {
                    var input = SeccompInput.Of(audit, nr, args);
                    report.Inputs++;
                    uint got = BpfInterpreter.Run(ours, input);
                    var expect = Reference.Evaluate(profile, options.NativeArch, options.EnosysForUnknownSyscalls, audit, nr, args);
                    if (got != expect[0])
                        report.Fail($"{arch} nr={nr:x} args=[{string.Join(",", args.Select(a => a.ToString("x")))}]: ours {got:x8}, reference {string.Join("/", expect.Select(e => e.ToString("x8")))}");
                    if (expect.Count > 1) { report.Ambiguous++; continue; }
                    if (tableDiffers.Contains(nr)) continue;
                    if (overlapping.Contains(nr)) { report.Overlapping++; continue; }
                    trace.Clear();
                    uint theirs = BpfInterpreter.Run(lib, input, out _, trace);
                    if (expect[0] == Reference.Enosys && def != Reference.Enosys && theirs == def) { report.Enosys++; continue; }
                    report.ComparedWithLibseccomp++;
                    if (theirs != got && got == expect[0] && trace.Any(libHazards.Contains)) { report.LibseccompDefects++; continue; }
                    if (theirs != got)
                        report.Fail($"{arch} nr={nr:x} args=[{string.Join(",", args.Select(a => a.ToString("x")))}]: ours {got:x8}, libseccomp {theirs:x8}");
                }
            }
        }
        return report;
    }

    /// <summary>
    /// libseccomp's filter for one arch alone. libseccomp's API takes native (x86_64) numbers, or its own
    /// negative pseudo numbers, and translates them by name, so each name goes in by libseccomp's native
    /// resolution, and only when libseccomp's table gives the arch the same number as ours. Numbers where
    /// the two tables differ (or where libseccomp multiplexes x86's socketcall/ipc) are returned in
    /// <paramref name="tableDiffers"/> and left out of the comparison.
    /// </summary>
    public static SockFilter[] BuildLibseccomp(SeccompProfile profile, SeccompArch arch, uint def, Report? report, out HashSet<uint> tableDiffers)
    {
        tableDiffers = [];
        using var lib = new LibSeccomp(def);
        Assert.Equal(0, lib.SetAttr(LibSeccomp.AttrActBadArch, 0x80000000)); // KILL_PROCESS, like ours
        uint token = LibSeccomp.Token(arch);
        lib.SetArches(token);
        foreach (var (rule, idx) in profile.Syscalls.Select((r, i) => (r, i)))
        {
            uint ret = Reference.RetOf(rule.Action, rule.ErrnoRet);
            if (ret == def) continue; // as runc: libseccomp refuses rules with the default action
            foreach (var name in rule.Names)
            {
                if (!SyscallTables.TryGetNumber(arch, name, out int nr)) continue;
                if (LibSeccomp.ResolveName(token, name) != nr) { tableDiffers.Add((uint)nr); continue; }
                int rc = lib.RuleAddExact(ret, LibSeccomp.ResolveName(LibSeccomp.ArchNative, name), LibSeccomp.Args(rule.Args));
                // -EEXIST: the same conditions already lead to another action; libseccomp keeps the first, as we do.
                if (rc < 0 && rc != -17) report?.Fail($"libseccomp rule_add {arch} syscalls[{idx}] {name}: {rc}");
            }
        }
        return lib.Export();
    }

    /// <summary>Syscalls with two conditional rules of different actions that may both hold (see <see cref="Overlap"/>).</summary>
    public static HashSet<uint> OverlappingSyscalls(SeccompProfile profile, SeccompArch arch, uint def)
    {
        bool wide = AuditArch.Is64Bit(arch);
        var byNr = new Dictionary<uint, List<SeccompRule>>();
        foreach (var r in profile.Syscalls)
        {
            if (r.Args.Count == 0 || Reference.RetOf(r.Action, r.ErrnoRet) == def) continue;
            foreach (var n in r.Names)
                if (SyscallTables.TryGetNumber(arch, n, out int nr))
                {
                    if (!byNr.TryGetValue((uint)nr, out var list)) byNr[(uint)nr] = list = [];
                    if (!list.Contains(r)) list.Add(r);
                }
        }
        var result = new HashSet<uint>();
        foreach (var (nr, rules) in byNr)
            for (int i = 0; i < rules.Count; i++)
                for (int j = i + 1; j < rules.Count; j++)
                    if (Reference.RetOf(rules[i].Action, rules[i].ErrnoRet) != Reference.RetOf(rules[j].Action, rules[j].ErrnoRet)
                        && Overlap.MayOverlap(rules[i].Args, rules[j].Args, wide))
                        result.Add(nr);
        return result;
    }

    public static IEnumerable<uint> Numbers(SeccompProfile profile, SeccompArch arch, List<SeccompArch> arches)
    {
        var set = new SortedSet<uint>();
        uint lo = arch == SeccompArch.X32 ? AuditArch.X32SyscallBit : 0;
        uint max = (uint)SyscallTables.MaxNumber(arch);
        if (arch == SeccompArch.Arm)
        {
            // ARM's private calls sit at 0xf0000+: cover the ordinary table and that window.
            var entries = SyscallTables.Entries(arch).Select(e => (uint)e.Nr).ToList();
            uint ordinaryMax = entries.Where(n => n < 0xf0000).Max();
            for (uint n = 0; n <= ordinaryMax + 4; n++) set.Add(n);
            for (uint n = 0xf0000; n <= max + 4; n++) set.Add(n);
        }
        else
        {
            for (uint n = lo; n <= max + 4; n++) set.Add(n);
        }
        int named = Reference.MaxNamed(profile, arch);
        if (named >= 0) for (long n = named - 2; n <= named + 2; n++) if (n >= lo) set.Add((uint)n);
        foreach (uint n in new uint[] { lo + 1000, lo + 4095, lo + 0x0fffffff })
            set.Add(n);
        if (arch == SeccompArch.X32) { set.Add(0x7fffffff); set.Add(0xffffffff); set.Add(0xfffffffe); }
        else if (arch == SeccompArch.X86_64)
        {
            set.Add(0x3fffffff);
            if (!arches.Contains(SeccompArch.X32))
                foreach (uint n in new uint[] { 0x40000000, 0x40000001, 0x40000000 + 515, 0x7fffffff, 0xffffffff }) set.Add(n);
        }
        else { set.Add(0x7fffffff); set.Add(0xffffffff); set.Add(0x80000000); }
        return set;
    }

    /// <summary>Argument vectors for one syscall: zeros, each boundary on its own, then random mixes.</summary>
    public static IEnumerable<ulong[]> ArgVectors(SeccompProfile profile, SeccompArch arch, uint nr, bool wide, Random rng, int randomCount)
    {
        yield return new ulong[6];
        var conds = new List<ArgCondition>();
        foreach (var r in profile.Syscalls)
            if (r.Args.Count > 0 && r.Names.Any(n => SyscallTables.TryGetNumber(arch, n, out int x) && (uint)x == nr))
                conds.AddRange(r.Args);
        if (conds.Count == 0) yield break;

        var candidates = new Dictionary<uint, HashSet<ulong>>();
        foreach (var c in conds)
        {
            if (!candidates.TryGetValue(c.Index, out var set)) candidates[c.Index] = set = [0, ulong.MaxValue, 0xffffffff, 0x100000000];
            foreach (var v in Boundaries(c)) set.Add(wide ? v : v & 0xffffffff);
        }
        foreach (var (idx, set) in candidates)
            foreach (var v in set)
            {
                var a = new ulong[6];
                a[idx] = v;
                yield return a;
            }
        var lists = candidates.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
        for (int i = 0; i < randomCount; i++)
        {
            var a = new ulong[6];
            foreach (var (idx, vals) in lists) a[idx] = vals[rng.Next(vals.Length)];
            yield return a;
        }
    }

    public static IEnumerable<ulong> Boundaries(ArgCondition c)
    {
        ulong v = c.Value;
        foreach (var x in Around(v)) yield return x;
        // The same low half under other high halves, and the reverse: where two-halves code goes wrong.
        ulong lo = v & 0xffffffff, hi = v >> 32;
        foreach (ulong h in new[] { hi, hi + 1, hi - 1, 0UL })
            foreach (ulong l in new[] { lo, lo + 1, lo - 1 })
                yield return ((h & 0xffffffff) << 32) | (l & 0xffffffff);
        if (c.Op == CompareOp.MaskedEqual)
        {
            ulong mask = c.Value, datum = c.ValueTwo;
            yield return datum;
            yield return datum | ~mask;
            yield return datum ^ (mask & (ulong)-(long)mask); // flip the lowest mask bit
            yield return datum ^ (mask & ~(mask >> 1) & (1UL << 63 | mask)); // flip a high mask bit
        }
    }

    private static IEnumerable<ulong> Around(ulong v) => [v, v + 1, v - 1];
}
