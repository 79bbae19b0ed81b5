namespace Seccomp.Bpf;

/// <summary>Classic BPF opcode parts (linux/filter.h, linux/bpf_common.h): only what seccomp filters use.</summary>
public static class Op
{
    // Instruction classes.
    public const ushort Ld = 0x00, Ldx = 0x01, St = 0x02, Stx = 0x03, Alu = 0x04, Jmp = 0x05, Ret = 0x06, Misc = 0x07;
    // Sizes and modes for loads.
    public const ushort W = 0x00, H = 0x08, B = 0x10;
    public const ushort Imm = 0x00, Abs = 0x20, Ind = 0x40, Mem = 0x60, Len = 0x80, Msh = 0xa0;
    // ALU and jump operations.
    public const ushort Add = 0x00, Sub = 0x10, Mul = 0x20, Div = 0x30, Or = 0x40, And = 0x50, Lsh = 0x60, Rsh = 0x70, Neg = 0x80, Mod = 0x90, Xor = 0xa0;
    public const ushort Ja = 0x00, Jeq = 0x10, Jgt = 0x20, Jge = 0x30, Jset = 0x40;
    // Sources.
    public const ushort K = 0x00, X = 0x08;
    public const ushort A = 0x10;

    public const ushort LdAbsW = Ld | W | Abs;
    public const ushort AndK = Alu | And | K;
    public const ushort JaOp = Jmp | Ja;
    public const ushort JeqK = Jmp | Jeq | K;
    public const ushort JgtK = Jmp | Jgt | K;
    public const ushort JgeK = Jmp | Jge | K;
    public const ushort JsetK = Jmp | Jset | K;
    public const ushort RetK = Ret | K;

    public static ushort Class(ushort code) => (ushort)(code & 0x07);

    /// <summary>The kernel's limit on a filter's length (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;
}
