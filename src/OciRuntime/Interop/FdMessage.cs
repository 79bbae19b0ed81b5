using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec { public void* Base; public nuint Len; }

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name; public uint NameLen; public IoVec* Iov; public nuint IovLen;
    public void* Control; public nuint ControlLen; public int Flags;
}

/// <summary>
/// The one layout of a unix-socket message that carries descriptors (SCM_RIGHTS): the msghdr, its single iovec
/// and a control buffer with room for <see cref="MaxFds"/> descriptors, in one struct kept on the caller's stack.
/// It allocates nothing and throws nothing, so the fork-safe zone (the sync socket, the console socket) and the
/// managed callers (<see cref="Sys.SendWithFds"/>, <see cref="Sys.RecvWithFds"/>) share it. Which call carries it
/// stays the caller's choice: the zone sends with <see cref="Sys.Fast"/>, managed code with <see cref="Sys.Blocking"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FdMessage
{
    internal const int MaxFds = 8;
    private const int CmsgHeader = 16; // struct cmsghdr: size_t len; int level; int type; then the data, 8-aligned
    private const int ControlRoom = CmsgHeader + 4 * MaxFds; // a multiple of 8, as CMSG_SPACE is

    private MsgHdr _header;
    private IoVec _iov;
    private long _one; // the byte sent when there is no payload: a stream socket drops an empty message's fds
    private fixed byte _control[ControlRoom];

    /// <summary>Lays out <paramref name="len"/> bytes at <paramref name="data"/> with <paramref name="count"/>
    /// descriptors attached; returns the msghdr for sendmsg, or null when more than <see cref="MaxFds"/> are asked.
    /// <paramref name="m"/> must not move until the message is sent (a stack local).</summary>
    internal static MsgHdr* ForSend(FdMessage* m, void* data, int len, int* fds, int count)
    {
        if (count < 0 || count > MaxFds) return null;
        Init(m, data, len);
        if (count == 0) return &m->_header;
        byte* c = m->_control;
        int used = CmsgHeader + 4 * count;
        *(nuint*)c = (nuint)used;
        *(int*)(c + 8) = Sys.SOL_SOCKET;
        *(int*)(c + 12) = Sys.SCM_RIGHTS;
        for (int i = 0; i < count; i++) ((int*)(c + CmsgHeader))[i] = fds[i];
        m->_header.Control = c;
        m->_header.ControlLen = (nuint)((used + 7) & ~7);
        return &m->_header;
    }

    /// <summary>Lays out a receive into <paramref name="len"/> bytes at <paramref name="data"/> with room for
    /// <see cref="MaxFds"/> descriptors; returns the msghdr for recvmsg.</summary>
    internal static MsgHdr* ForReceive(FdMessage* m, void* data, int len)
    {
        Init(m, data, len);
        m->_header.Control = m->_control;
        m->_header.ControlLen = ControlRoom;
        return &m->_header;
    }

    /// <summary>After recvmsg: the descriptors that came, copied into <paramref name="fds"/> (room for
    /// <see cref="MaxFds"/>); returns their count, or -EMSGSIZE when the kernel cut them (MSG_CTRUNC), in which
    /// case those that did arrive are closed here so that none leaks.</summary>
    internal static int TakeFds(FdMessage* m, int* fds)
    {
        int n = 0;
        byte* c = m->_control, end = m->_control + (long)m->_header.ControlLen;
        while (c + CmsgHeader <= end)
        {
            long len = (long)*(nuint*)c;
            if (len < CmsgHeader || c + len > end) break;
            if (*(int*)(c + 8) == Sys.SOL_SOCKET && *(int*)(c + 12) == Sys.SCM_RIGHTS)
                for (long i = 0; i < (len - CmsgHeader) / 4 && n < MaxFds; i++) fds[n++] = ((int*)(c + CmsgHeader))[i];
            c += (len + 7) & ~7;
        }
        if ((m->_header.Flags & Sys.MSG_CTRUNC) == 0) return n;
        for (int i = 0; i < n; i++) Sys.Fast(Nr.close, fds[i]);
        return -Errno.EMSGSIZE;
    }

    private static void Init(FdMessage* m, void* data, int len)
    {
        byte* raw = (byte*)m;
        for (int i = 0; i < sizeof(FdMessage); i++) raw[i] = 0;
        m->_iov.Base = len > 0 ? data : &m->_one;
        m->_iov.Len = (nuint)(len > 0 ? len : 1);
        m->_header.Iov = &m->_iov;
        m->_header.IovLen = 1;
    }
}
