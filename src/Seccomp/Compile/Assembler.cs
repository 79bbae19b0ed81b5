using Seccomp.Bpf;

namespace Seccomp.Compile;

/// <summary>
/// One instruction before layout. Jumps name their targets as <see cref="Insn"/> objects rather than
/// offsets, so the layout can move things (and insert trampolines) without the emitters knowing.
/// </summary>
internal sealed class Insn
{
    public ushort Code;
    public uint K;
    public Insn? True;   // conditional jumps: taken when the test holds; JA: the target
    public Insn? False;  // conditional jumps: taken otherwise

    public bool IsRet => Op.Class(Code) == Op.Ret;
    public bool IsConditional => Op.Class(Code) == Op.Jmp && (Code & 0xf0) != Op.Ja;

    public static Insn Load(uint offset) => new() { Code = Op.LdAbsW, K = offset };
    public static Insn And(uint mask) => new() { Code = Op.AndK, K = mask };
    public static Insn Return(uint value) => new() { Code = Op.RetK, K = value };
    public static Insn Jump(Insn target) => new() { Code = Op.JaOp, True = target };
    public static Insn Cond(ushort code, uint k, Insn? onTrue, Insn? onFalse) => new() { Code = code, K = k, True = onTrue, False = onFalse };
}

/// <summary>
/// Lays instructions out in the order they were appended and resolves jumps to offsets.
/// Classic BPF jumps only go forward and jt/jf are 8-bit, so a conditional jump further than 255
/// instructions gets a trampoline right after it: a copy of the target when that is a RET (no extra
/// instruction evaluated), otherwise a JA with its 32-bit offset. Inserting moves later code, so the
/// pass repeats until every jump fits. Past BPF_MAXINSNS it gives up with a <see cref="SeccompException"/>.
/// </summary>
internal sealed class Assembler
{
    private readonly List<Insn> _code = [];

    public int Count => _code.Count;

    public Insn Append(Insn insn)
    {
        _code.Add(insn);
        return insn;
    }

    public SockFilter[] Assemble(out int trampolines)
    {
        trampolines = 0;
        if (_code.Count > Op.MaxInstructions)
            throw new SeccompException($"syscalls: the filter needs {_code.Count} instructions, more than the kernel's limit of {Op.MaxInstructions}");
        bool changed = true;
        while (changed)
        {
            // Distances from a snapshot of the layout: insertions only lengthen jumps, so a jump found too
            // far stays too far, and one that became too far is caught by the next pass.
            changed = false;
            var index = IndexMap();
            var laidOut = _code.ToArray();
            _code.Clear();
            foreach (var insn in laidOut)
            {
                _code.Add(insn);
                int at = index[insn];
                if (insn.Code == Op.JaOp)
                {
                    if (Distance(index, at, insn.True!) < 0) throw new InvalidOperationException("backward jump");
                    continue;
                }
                if (!insn.IsConditional) continue;
                for (int side = 0; side < 2; side++)
                {
                    var target = side == 0 ? insn.True! : insn.False!;
                    int d = Distance(index, at, target);
                    if (d < 0) throw new InvalidOperationException("backward jump");
                    if (d <= 255) continue;
                    var hop = target.IsRet ? Insn.Return(target.K) : Insn.Jump(target);
                    _code.Add(hop);
                    if (side == 0) insn.True = hop; else insn.False = hop;
                    trampolines++;
                    changed = true;
                }
            }
            if (_code.Count > Op.MaxInstructions)
                throw new SeccompException($"syscalls: the filter needs {_code.Count} instructions, more than the kernel's limit of {Op.MaxInstructions}");
        }

        var final = IndexMap();
        var program = new SockFilter[_code.Count];
        for (int i = 0; i < _code.Count; i++)
        {
            var insn = _code[i];
            if (insn.Code == Op.JaOp)
                program[i] = new SockFilter(insn.Code, 0, 0, (uint)Distance(final, i, insn.True!));
            else if (insn.IsConditional)
                program[i] = new SockFilter(insn.Code, (byte)Distance(final, i, insn.True!), (byte)Distance(final, i, insn.False!), insn.K);
            else
                program[i] = new SockFilter(insn.Code, 0, 0, insn.K);
        }
        return program;
    }

    private Dictionary<Insn, int> IndexMap()
    {
        var map = new Dictionary<Insn, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _code.Count; i++) map[_code[i]] = i;
        return map;
    }

    private static int Distance(Dictionary<Insn, int> index, int from, Insn to) =>
        index.TryGetValue(to, out int t) ? t - from - 1 : throw new InvalidOperationException("jump to an instruction that was never appended");
}
