using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// Finds jumps that test the accumulator when different paths leave different values in it (say, one path
/// loaded args[0] hi and another args[0] lo). Such a test compares the wrong word on some path: libseccomp
/// 2.5.4 emits these when it elides a reload of an argument it believes is still in A. The tests use this
/// to tell libseccomp's defects apart from ours, and require that our programs have none.
/// </summary>
public static class AccumulatorCheck
{
    public static HashSet<int> Hazards(ReadOnlySpan<SockFilter> prog)
    {
        var incoming = new HashSet<string>?[prog.Length + 1];
        incoming[0] = ["none"];
        var hazards = new HashSet<int>();
        for (int pc = 0; pc < prog.Length; pc++)
        {
            var state = incoming[pc];
            if (state is null) continue; // unreachable
            var f = prog[pc];
            int cls = f.Code & 7;
            HashSet<string> outState = state;
            if (cls == 0x00) outState = [(f.Code & 0xe0) == 0x20 ? $"ld{f.K}" : $"ld?{f.Code:x}:{f.K}"];
            else if (cls == 0x04) outState = state.Select(s => $"{s}&{f.Code:x}:{f.K}").ToHashSet();
            else if (cls == 0x07) outState = ["x"];
            if (cls == 0x05)
            {
                if ((f.Code & 0xf0) == 0x00) { Flow(incoming, pc + 1 + (int)f.K, state); continue; }
                if (state.Count > 1) hazards.Add(pc);
                Flow(incoming, pc + 1 + f.Jt, state);
                Flow(incoming, pc + 1 + f.Jf, state);
                continue;
            }
            if (cls == 0x06) continue;
            Flow(incoming, pc + 1, outState);
        }
        return hazards;
    }

    private static void Flow(HashSet<string>?[] incoming, int target, HashSet<string> state)
    {
        if (target >= incoming.Length) return;
        (incoming[target] ??= []).UnionWith(state);
    }
}
