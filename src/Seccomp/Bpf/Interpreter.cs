namespace Seccomp.Bpf;

/// <summary>
/// Runs a seccomp program on one <c>seccomp_data</c>, so that <see cref="SeccompExplain"/> can report what the
/// compiled filter answers (not only what the rules say). Handles the instructions our compiler emits
/// (absolute word loads, AND, conditional and unconditional jumps, constant returns).
/// </summary>
internal static class Interpreter
{
    public static uint Run(ReadOnlySpan<SockFilter> prog, uint arch, uint nr, ReadOnlySpan<ulong> args, out int steps)
    {
        uint a = 0;
        steps = 0;
        for (int pc = 0; pc < prog.Length;)
        {
            var f = prog[pc++];
            steps++;
            switch (f.Code)
            {
                case Op.LdAbsW:
                    a = f.K switch
                    {
                        SeccompData.Nr => nr,
                        SeccompData.Arch => arch,
                        >= 16 and < 64 => (f.K - 16) % 8 == 0 ? (uint)args[(int)(f.K - 16) / 8] : (uint)(args[(int)(f.K - 16) / 8] >> 32),
                        _ => 0,
                    };
                    break;
                case Op.AndK: a &= f.K; break;
                case Op.JaOp: pc += (int)f.K; break;
                case Op.JeqK: pc += a == f.K ? f.Jt : f.Jf; break;
                case Op.JgtK: pc += a > f.K ? f.Jt : f.Jf; break;
                case Op.JgeK: pc += a >= f.K ? f.Jt : f.Jf; break;
                case Op.JsetK: pc += (a & f.K) != 0 ? f.Jt : f.Jf; break;
                case Op.RetK: return f.K;
                default: throw new InvalidOperationException($"instruction 0x{f.Code:x2} at {pc - 1} is not one the compiler emits");
            }
        }
        throw new InvalidOperationException("the program fell off its end");
    }
}
