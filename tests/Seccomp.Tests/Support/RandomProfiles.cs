using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// Seeded random profiles that stress what the compiler must get right: several rules on the same syscalls
/// (a small pool of names per profile), unconditional and conditional rules mixed, every operator, values
/// whose two halves matter, names some arches lack, every action but NOTIFY-on-write.
/// </summary>
public static class RandomProfiles
{
    private static readonly SeccompArch[] OtherArches = [SeccompArch.X86, SeccompArch.X32, SeccompArch.Aarch64, SeccompArch.Arm];

    public static SeccompProfile Make(int seed)
    {
        var rng = new Random(seed);
        var arches = OtherArches.Where(_ => rng.Next(3) == 0).Select(SeccompNames.ArchName).ToList();
        if (rng.Next(4) == 0) arches.Insert(0, "SCMP_ARCH_X86_64");

        // A pool of names: mostly from the tables (so arches disagree on some), plus one nobody knows.
        var all = Enum.GetValues<SeccompArch>().SelectMany(a => SyscallTables.Entries(a).Select(e => e.Name)).Distinct().Order().ToArray();
        var pool = Enumerable.Range(0, 6 + rng.Next(20)).Select(_ => all[rng.Next(all.Length)]).Distinct().ToList();
        pool.Add("no_such_syscall");
        pool.Remove("write"); // NOTIFY may not name write

        var (defAction, defErrno) = RandomAction(rng, allowNotify: false);
        var rules = new List<SeccompRule>();
        int count = 1 + rng.Next(12);
        for (int i = 0; i < count; i++)
        {
            var names = Enumerable.Range(0, 1 + rng.Next(4)).Select(_ => pool[rng.Next(pool.Count)]).Distinct().ToList();
            var (action, errno) = RandomAction(rng, allowNotify: true);
            var args = new List<ArgCondition>();
            if (rng.Next(3) > 0)
            {
                var indexes = Enumerable.Range(0, 6).OrderBy(_ => rng.Next()).Take(1 + rng.Next(3)).ToList();
                foreach (var idx in indexes)
                {
                    var op = (CompareOp)rng.Next(7);
                    args.Add(new ArgCondition((uint)idx, RandomValue(rng), op == CompareOp.MaskedEqual ? RandomValue(rng) : 0, op));
                }
            }
            rules.Add(new SeccompRule(names, action, errno, args));
        }
        return new SeccompProfile(defAction, defErrno, arches, [], rules);
    }

    private static (SeccompAction, uint?) RandomAction(Random rng, bool allowNotify)
    {
        var action = (SeccompAction)rng.Next(allowNotify ? 8 : 7);
        uint? errno = action is SeccompAction.Errno or SeccompAction.Trace && rng.Next(2) == 0 ? (uint)rng.Next(1, 140) : null;
        return (action, errno);
    }

    private static ulong RandomValue(Random rng)
    {
        ulong lo = rng.Next(5) switch
        {
            0 => 0,
            1 => (ulong)rng.Next(0, 64),
            2 => 0xffffffff,
            3 => (ulong)(uint)rng.Next() << 1,
            _ => 0x80000000,
        };
        ulong hi = rng.Next(4) switch
        {
            0 or 1 => 0,
            2 => 1,
            _ => (ulong)(uint)rng.Next(),
        };
        return (hi << 32) | lo;
    }
}
