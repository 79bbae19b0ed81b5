namespace Seccomp.Bpf;

/// <summary>
/// Offsets in <c>struct seccomp_data { int nr; u32 arch; u64 instruction_pointer; u64 args[6]; }</c>.
/// The args are in the task's byte order; every arch we support is little-endian, so the low half comes first.
/// </summary>
public static class SeccompData
{
    public const uint Nr = 0;
    public const uint Arch = 4;
    public const uint InstructionPointer = 8;
    public const uint Size = 64;
    public static uint ArgLo(uint index) => 16 + index * 8;
    public static uint ArgHi(uint index) => 16 + index * 8 + 4;
}
