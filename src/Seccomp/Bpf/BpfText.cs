using System.Globalization;
using System.Text;
using Seccomp.Bpf;
using Seccomp.Compile;

namespace Seccomp;

/// <summary>Text form of a program, one instruction a line, in the style of libseccomp's scmp_bpf_disasm.</summary>
public static class BpfText
{
    public static string Disassemble(ReadOnlySpan<SockFilter> program)
    {
        var sb = new StringBuilder();
        sb.Append(" line  OP   JT   JF   K\n");
        sb.Append("=================================\n");
        for (int i = 0; i < program.Length; i++)
        {
            var f = program[i];
            sb.Append(CultureInfo.InvariantCulture, $" {i:d4}: 0x{f.Code:x2} 0x{f.Jt:x2} 0x{f.Jf:x2} 0x{f.K:x8}   ");
            sb.Append(Describe(f, i));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Describe(SockFilter f, int pc)
    {
        int cls = Op.Class(f.Code);
        string src = (f.Code & Op.X) != 0 ? "x" : K(f.K);
        switch (cls)
        {
            case Op.Ld:
            case Op.Ldx:
            {
                string reg = cls == Op.Ld ? "ld " : "ldx";
                return (f.Code & 0xe0) switch
                {
                    Op.Abs => $"{reg} $data[{f.K}]{Field(f.K)}",
                    Op.Imm => $"{reg} {K(f.K)}",
                    Op.Mem => $"{reg} M[{f.K}]",
                    Op.Len => $"{reg} #len",
                    Op.Ind => $"{reg} $data[x+{f.K}]",
                    _ => $"{reg} ???",
                };
            }
            case Op.St: return $"st  M[{f.K}]";
            case Op.Stx: return $"stx M[{f.K}]";
            case Op.Alu:
            {
                string op = (f.Code & 0xf0) switch
                {
                    Op.Add => "add", Op.Sub => "sub", Op.Mul => "mul", Op.Div => "div", Op.Or => "or ",
                    Op.And => "and", Op.Lsh => "lsh", Op.Rsh => "rsh", Op.Neg => "neg", Op.Mod => "mod", Op.Xor => "xor",
                    _ => "alu?",
                };
                return (f.Code & 0xf0) == Op.Neg ? "neg" : $"{op} {src}";
            }
            case Op.Jmp:
            {
                int op = f.Code & 0xf0;
                if (op == Op.Ja) return $"jmp {pc + 1 + (int)f.K:d4}";
                string name = op switch { Op.Jeq => "jeq", Op.Jgt => "jgt", Op.Jge => "jge", Op.Jset => "jset", _ => "j?" };
                return $"{name} {src,-12} true:{pc + 1 + f.Jt:d4} false:{pc + 1 + f.Jf:d4}";
            }
            case Op.Ret:
                return (f.Code & 0x18) == Op.A ? "ret A" : $"ret {ActionCodes.Describe(f.K)}";
            case Op.Misc:
                return (f.Code & 0xf8) == 0 ? "tax" : "txa";
            default:
                return "???";
        }
    }

    private static string K(uint k) => k < 4096 ? k.ToString(CultureInfo.InvariantCulture) : $"0x{k:x8}";

    private static string Field(uint offset) => offset switch
    {
        SeccompData.Nr => "  ; nr",
        SeccompData.Arch => "  ; arch",
        SeccompData.InstructionPointer => "  ; ip lo",
        SeccompData.InstructionPointer + 4 => "  ; ip hi",
        >= 16 and < 64 => $"  ; args[{(offset - 16) / 8}] {((offset - 16) % 8 == 0 ? "lo" : "hi")}",
        _ => "",
    };
}
