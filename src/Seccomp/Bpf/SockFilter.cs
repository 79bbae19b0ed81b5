using System.Runtime.InteropServices;

namespace Seccomp;

/// <summary>
/// One classic-BPF instruction, laid out exactly like the kernel's <c>struct sock_filter</c>
/// (u16 code, u8 jt, u8 jf, u32 k: 8 bytes), so an array of these can be handed to seccomp(2) as is.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte Jt, byte Jf, uint K)
{
    public override string ToString() => $"{{ 0x{Code:x2}, {Jt}, {Jf}, 0x{K:x8} }}";
}
