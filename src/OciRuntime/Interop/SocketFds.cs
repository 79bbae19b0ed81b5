using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const int MSG_CTRUNC = 0x8, MSG_CMSG_CLOEXEC = 0x40000000;

    [StructLayout(LayoutKind.Sequential)]
    private struct RecvIoVec { public void* Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    private struct RecvMsgHdr
    {
        public void* Name; public uint NameLen; public RecvIoVec* Iov; public nuint IovLen;
        public void* Control; public nuint ControlLen; public int Flags;
    }

    /// <summary>
    /// Receives one message and the descriptors attached to it (SCM_RIGHTS, close-on-exec). Returns the payload
    /// length (0 when the peer closed). Descriptors beyond <paramref name="fds"/>'s room are closed and reported.
    /// </summary>
    internal static int RecvWithFds(int sock, Span<byte> payload, List<int> fds, int maxFds = 4)
    {
        int space = (16 + 4 * maxFds + 7) & ~7;
        byte* control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        byte one = 0;
        long n;
        fixed (byte* p = payload)
        {
            var iov = new RecvIoVec { Base = payload.IsEmpty ? &one : p, Len = (nuint)Math.Max(1, payload.Length) };
            var msg = new RecvMsgHdr { Iov = &iov, IovLen = 1, Control = control, ControlLen = (nuint)space };
            n = Check(Blocking(Nr.recvmsg, sock, (long)&msg, MSG_CMSG_CLOEXEC), "recvmsg");
            // Walk the control messages (cmsghdr: size_t len, int level, int type, data aligned to 8).
            byte* c = control, end = control + (long)msg.ControlLen;
            while (c + 16 <= end)
            {
                long len = (long)*(nuint*)c;
                if (len < 16 || c + len > end) break;
                if (*(int*)(c + 8) == SOL_SOCKET && *(int*)(c + 12) == SCM_RIGHTS)
                    for (long i = 0; i < (len - 16) / 4; i++) fds.Add(((int*)(c + 16))[i]);
                c += (len + 7) & ~7;
            }
            if ((msg.Flags & MSG_CTRUNC) != 0)
            {
                foreach (int fd in fds) Close(fd);
                fds.Clear();
                throw new SyscallException("recvmsg: descriptors truncated", 90 /* EMSGSIZE */);
            }
        }
        return (int)n;
    }
}
