using System.Net.Sockets;
using System.Runtime.InteropServices;
using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// Lets the kernel's classic-BPF checker judge a program: attaching it to a socket (SO_ATTACH_FILTER) runs
/// the same structural checks seccomp starts with (known opcodes, jumps inside the program, RET at the end,
/// at most 4096 instructions) without confining the test process. The seccomp-specific rule (loads only
/// aligned words inside seccomp_data) is <see cref="SeccompLoads"/>.
/// </summary>
public static unsafe class KernelCheck
{
    [StructLayout(LayoutKind.Sequential)]
    private struct SockFprog
    {
        public ushort Len;
        public SockFilter* Filter;
    }

    private const int SolSocket = 1, SoAttachFilter = 26;

    [DllImport("libc", SetLastError = true)]
    private static extern int setsockopt(int fd, int level, int name, void* value, uint len);

    /// <summary>0 when the kernel accepts the program, else errno.</summary>
    public static int Attach(SockFilter[] program)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        fixed (SockFilter* p = program)
        {
            var prog = new SockFprog { Len = (ushort)program.Length, Filter = p };
            int rc = setsockopt((int)socket.Handle, SolSocket, SoAttachFilter, &prog, (uint)sizeof(SockFprog));
            return rc == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>seccomp_check_filter: absolute word loads only, 4-aligned, inside struct seccomp_data.</summary>
    public static bool SeccompLoads(SockFilter[] program) =>
        program.All(f => (f.Code & 7) != 0 || (f.Code == 0x20 && f.K % 4 == 0 && f.K < 64));
}
