using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>The input a seccomp filter sees (struct seccomp_data).</summary>
public sealed record SeccompInput(uint Nr, uint Arch, ulong InstructionPointer, ulong[] Args)
{
    public static SeccompInput Of(uint arch, uint nr, params ulong[] args)
    {
        var a = new ulong[6];
        args.CopyTo(a, 0);
        return new SeccompInput(nr, arch, 0, a);
    }

    public uint Word(uint offset)
    {
        if (offset % 4 != 0 || offset >= 64) throw new InvalidOperationException($"bad load offset {offset}");
        return offset switch
        {
            0 => Nr,
            4 => Arch,
            8 => (uint)InstructionPointer,
            12 => (uint)(InstructionPointer >> 32),
            _ => (offset - 16) % 8 == 0 ? (uint)Args[(offset - 16) / 8] : (uint)(Args[(offset - 16) / 8] >> 32),
        };
    }
}

/// <summary>
/// A classic-BPF interpreter with the kernel's seccomp rules: 32-bit absolute loads from seccomp_data,
/// A/X registers, 16 words of scratch memory, forward jumps only; falling off the end is an error.
/// Counts the instructions it evaluates.
/// </summary>
public static class BpfInterpreter
{
    public static uint Run(ReadOnlySpan<SockFilter> prog, SeccompInput input) => Run(prog, input, out _);

    public static uint Run(ReadOnlySpan<SockFilter> prog, SeccompInput input, out int steps) => Run(prog, input, out steps, null);

    /// <summary>Runs and records every pc evaluated in <paramref name="trace"/> (when given).</summary>
    public static uint Run(ReadOnlySpan<SockFilter> prog, SeccompInput input, out int steps, List<int>? trace)
    {
        uint a = 0, x = 0;
        Span<uint> mem = stackalloc uint[16];
        steps = 0;
        int pc = 0;
        while (true)
        {
            if (pc >= prog.Length) throw new InvalidOperationException("fell off the end of the program");
            trace?.Add(pc);
            var f = prog[pc++];
            steps++;
            int cls = f.Code & 7;
            switch (cls)
            {
                case 0x00: // LD
                    a = (f.Code & 0xe0) switch
                    {
                        0x20 when (f.Code & 0x18) == 0 => input.Word(f.K),
                        0x00 => f.K,
                        0x60 => mem[(int)f.K],
                        0x80 => 64,
                        _ => throw new InvalidOperationException($"unsupported ld 0x{f.Code:x2}"),
                    };
                    break;
                case 0x01: // LDX
                    x = (f.Code & 0xe0) switch
                    {
                        0x00 => f.K,
                        0x60 => mem[(int)f.K],
                        0x80 => 64,
                        _ => throw new InvalidOperationException($"unsupported ldx 0x{f.Code:x2}"),
                    };
                    break;
                case 0x02: mem[(int)f.K] = a; break;
                case 0x03: mem[(int)f.K] = x; break;
                case 0x04: // ALU
                {
                    uint s = (f.Code & 0x08) != 0 ? x : f.K;
                    a = (f.Code & 0xf0) switch
                    {
                        0x00 => a + s, 0x10 => a - s, 0x20 => a * s,
                        0x30 => s == 0 ? throw new InvalidOperationException("div by zero") : a / s,
                        0x40 => a | s, 0x50 => a & s, 0x60 => s >= 32 ? 0 : a << (int)s, 0x70 => s >= 32 ? 0 : a >> (int)s,
                        0x80 => (uint)-(int)a, 0x90 => s == 0 ? throw new InvalidOperationException("mod by zero") : a % s,
                        0xa0 => a ^ s,
                        _ => throw new InvalidOperationException($"unsupported alu 0x{f.Code:x2}"),
                    };
                    break;
                }
                case 0x05: // JMP
                {
                    int op = f.Code & 0xf0;
                    if (op == 0x00) { pc += (int)f.K; break; }
                    uint s = (f.Code & 0x08) != 0 ? x : f.K;
                    bool cond = op switch
                    {
                        0x10 => a == s, 0x20 => a > s, 0x30 => a >= s, 0x40 => (a & s) != 0,
                        _ => throw new InvalidOperationException($"unsupported jmp 0x{f.Code:x2}"),
                    };
                    pc += cond ? f.Jt : f.Jf;
                    break;
                }
                case 0x06: // RET
                    return (f.Code & 0x18) == 0x10 ? a : f.K;
                case 0x07: // MISC
                    if ((f.Code & 0xf8) == 0) x = a; else a = x;
                    break;
            }
        }
    }
}
