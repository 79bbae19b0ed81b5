using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzer over SeccompCompiler.Compile: structural mutations of Docker's default profile (names,
/// actions, errno values, arches, flags, argument conditions, rule order and count). Only SeccompException is
/// allowed; no other exception, no hang (per-input timeout). OCIRUN_FUZZ_SECONDS sets a long run; else ~5 s.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class CompilerFuzzTests(ITestOutputHelper output)
{
    private const int PerInputTimeoutMs = 5_000;

    private static readonly string[] Arches =
    [
        "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390X", "SCMP_ARCH_RISCV64", "SCMP_ARCH_NOPE", "", "x86_64",
    ];

    private static readonly string[] Flags =
    [
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_NEW_LISTENER", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", "SECCOMP_FILTER_FLAG_NOPE", "",
    ];

    private static readonly string[] Names = ["", "nope", "read", "write", "socket", "clone", "clone3", "ptrace", "\0", "a/b", "open_tree", "personality"];

    private static int Seconds() =>
        int.TryParse(Environment.GetEnvironmentVariable("OCIRUN_FUZZ_SECONDS"), out int s) && s > 0 ? s : 5;

    [Fact]
    public void Compiler_survives_mutated_profiles()
    {
        var baseProfile = TestData.Docker();
        var rng = new Random(20261123);
        var deadline = DateTime.UtcNow.AddSeconds(Seconds());
        long inputs = 0, compiled = 0, refused = 0;
        var failures = new List<string>();
        while (DateTime.UtcNow < deadline && failures.Count < 5)
        {
            var p = Mutate(baseProfile, rng, rng.Next(1, 8));
            var opts = rng.Next(4) == 0
                ? new CompileOptions { EnosysForUnknownSyscalls = rng.Next(2) == 0, BadArchAction = RandomAction(rng) }
                : CompileOptions.Default;
            inputs++;
            var t = Task.Run(() => SeccompCompiler.Compile(p, opts));
            try
            {
                if (!t.Wait(PerInputTimeoutMs)) { failures.Add("hang on: " + Describe(p)); break; }
                compiled++;
            }
            catch (AggregateException ae) when (ae.InnerException is SeccompException) { refused++; }
            catch (AggregateException ae) { failures.Add($"{ae.InnerException!.GetType().Name}: {ae.InnerException.Message}\n{ae.InnerException.StackTrace}\non: {Describe(p)}"); }
        }
        output.WriteLine($"inputs {inputs}, compiled {compiled}, refused (SeccompException) {refused}, failures {failures.Count}");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(inputs > 20, $"only {inputs} inputs");
    }

    private static SeccompAction RandomAction(Random rng) =>
        (SeccompAction)rng.Next(8);

    private static uint? RandomErrno(Random rng) => rng.Next(5) switch
    {
        0 => null, 1 => 0, 2 => uint.MaxValue, 3 => (uint)rng.Next(1, 5000), _ => (uint)rng.Next(),
    };

    private static ulong RandomValue(Random rng) => rng.Next(4) switch
    {
        0 => 0, 1 => ulong.MaxValue, 2 => (ulong)rng.Next(0, 64), _ => (ulong)rng.NextInt64() << rng.Next(2),
    };

    internal static SeccompProfile Mutate(SeccompProfile p, Random rng, int rounds)
    {
        var rules = p.Syscalls.ToList();
        var arches = p.Architectures.ToList();
        var flags = p.Flags.ToList();
        var def = p.DefaultAction;
        var defErrno = p.DefaultErrnoRet;
        for (int i = 0; i < rounds; i++)
        {
            int r = rules.Count == 0 ? -1 : rng.Next(rules.Count);
            switch (rng.Next(12))
            {
                case 0: def = RandomAction(rng); break;
                case 1: defErrno = RandomErrno(rng); break;
                case 2: if (arches.Count > 0 && rng.Next(2) == 0) arches.RemoveAt(rng.Next(arches.Count)); else arches.Add(Arches[rng.Next(Arches.Length)]); break;
                case 3: if (flags.Count > 0 && rng.Next(2) == 0) flags.RemoveAt(rng.Next(flags.Count)); else flags.Add(Flags[rng.Next(Flags.Length)]); break;
                case 4: if (r >= 0) rules.RemoveAt(r); break;
                case 5: if (r >= 0) rules.Insert(rng.Next(rules.Count), rules[r]); break;
                case 6: if (r >= 0) rules[r] = rules[r] with { Action = RandomAction(rng), ErrnoRet = RandomErrno(rng) }; break;
                case 7:
                    if (r >= 0)
                    {
                        var names = rules[r].Names.ToList();
                        if (names.Count > 0 && rng.Next(3) == 0) names.RemoveAt(rng.Next(names.Count));
                        else names.Add(rng.Next(2) == 0 ? Names[rng.Next(Names.Length)] : rules[rng.Next(rules.Count)].Names.FirstOrDefault() ?? "read");
                        rules[r] = rules[r] with { Names = names };
                    }
                    break;
                case 8:
                case 9:
                    if (r >= 0)
                    {
                        var args = rules[r].Args.ToList();
                        if (args.Count > 0 && rng.Next(3) == 0) args.RemoveAt(rng.Next(args.Count));
                        else args.Add(new ArgCondition(rng.Next(8) == 0 ? (uint)rng.Next(6, 100) : (uint)rng.Next(6), RandomValue(rng), RandomValue(rng),
                            (CompareOp)rng.Next(7)));
                        rules[r] = rules[r] with { Args = args };
                    }
                    break;
                case 10: rules.Add(new SeccompRule([Names[rng.Next(Names.Length)]], RandomAction(rng), RandomErrno(rng), [])); break;
                default: if (r >= 0) rules[r] = rules[r] with { Names = [] }; break;
            }
        }
        return new SeccompProfile(def, defErrno, arches, flags, rules);
    }

    private static string Describe(SeccompProfile p) =>
        $"default {p.DefaultAction}/{p.DefaultErrnoRet}, arches [{string.Join(',', p.Architectures)}], flags [{string.Join(',', p.Flags)}], " +
        $"{p.Syscalls.Count} rules: " + string.Join("; ", p.Syscalls.Take(60).Select(s =>
            $"{string.Join(',', s.Names.Take(4))} {s.Action}/{s.ErrnoRet} [{string.Join(',', s.Args.Select(a => $"{a.Index}{a.Op}{a.Value:x}/{a.ValueTwo:x}"))}]"));
}
