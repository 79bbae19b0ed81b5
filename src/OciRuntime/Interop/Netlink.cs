using System.Buffers.Binary;

namespace OciRuntime.Interop;

/// <summary>
/// A NETLINK_ROUTE socket (rtnetlink(7)): requests that want an acknowledgement, and dumps. Messages are built and
/// parsed as bytes (<see cref="NetlinkMessage"/>): the structures are small, fixed and little-endian on x86_64.
/// </summary>
internal sealed unsafe class NetlinkSocket : IDisposable
{
    private const int AF_NETLINK = 16, SOCK_RAW = 3, NETLINK_ROUTE = 0;
    internal const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;
    internal const ushort NLM_F_REQUEST = 1, NLM_F_ACK = 4, NLM_F_DUMP = 0x300, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400;

    private readonly int _fd;
    private uint _seq;

    private NetlinkSocket(int fd) => _fd = fd;

    /// <summary>A socket in the calling thread's network namespace.</summary>
    internal static NetlinkSocket Open() =>
        new(Sys.CheckFd(Sys.Fast(Nr.socket, AF_NETLINK, SOCK_RAW | Sys.SOCK_CLOEXEC, NETLINK_ROUTE), "socket(AF_NETLINK)"));

    /// <summary>A socket in the network namespace <paramref name="netnsFd"/> refers to. A socket stays in the namespace
    /// it was made in, so a short-lived thread enters that namespace (setns of a network namespace is per thread),
    /// makes the socket and ends: no thread of ours is ever left in the container's namespace.</summary>
    internal static NetlinkSocket OpenIn(int netnsFd)
    {
        long result = 0;
        var t = new Thread(() =>
        {
            long r = Sys.Fast(Nr.setns, netnsFd, (long)Sys.CLONE_NEWNET);
            if (r < 0) { result = r; return; }
            result = Sys.Fast(Nr.socket, AF_NETLINK, SOCK_RAW | Sys.SOCK_CLOEXEC, NETLINK_ROUTE);
        }, 256 * 1024);
        t.Start();
        t.Join();
        if (result < 0) throw new SyscallException("enter the container's network namespace for a netlink socket", (int)-result);
        return new NetlinkSocket((int)result);
    }

    /// <summary>Sends one request with NLM_F_ACK and returns the kernel's answer: 0, or a negative errno.</summary>
    internal int Request(NetlinkMessage msg)
    {
        uint seq = Send(msg, NLM_F_REQUEST | NLM_F_ACK);
        foreach (var m in Receive(seq))
            if (m.Type == NLMSG_ERROR) return BinaryPrimitives.ReadInt32LittleEndian(m.Payload);
        return 0;
    }

    /// <summary>Sends a dump request; returns every answer message until NLMSG_DONE.</summary>
    internal List<(ushort Type, byte[] Payload)> Dump(NetlinkMessage msg)
    {
        uint seq = Send(msg, NLM_F_REQUEST | NLM_F_DUMP);
        var all = new List<(ushort, byte[])>();
        foreach (var m in Receive(seq))
        {
            if (m.Type == NLMSG_ERROR)
            {
                int err = BinaryPrimitives.ReadInt32LittleEndian(m.Payload);
                if (err < 0) throw new SyscallException("netlink dump", -err);
                break;
            }
            all.Add((m.Type, m.Payload));
        }
        return all;
    }

    private uint Send(NetlinkMessage msg, ushort flags)
    {
        uint seq = ++_seq;
        byte[] bytes = msg.Build(flags, seq);
        byte* addr = stackalloc byte[12]; // sockaddr_nl: family, pad, pid 0 (the kernel), groups 0
        new Span<byte>(addr, 12).Clear();
        *(ushort*)addr = AF_NETLINK;
        fixed (byte* p = bytes)
            Sys.Check(Sys.Blocking(Nr.sendto, _fd, (long)p, bytes.Length, 0, (long)addr, 12), "netlink send");
        return seq;
    }

    /// <summary>Reads until the answer to <paramref name="seq"/> ends (an NLMSG_ERROR/ack or NLMSG_DONE).</summary>
    private List<(ushort Type, byte[] Payload)> Receive(uint seq)
    {
        byte[] buf = new byte[64 * 1024];
        var all = new List<(ushort, byte[])>();
        while (true)
        {
            long n;
            fixed (byte* p = buf) n = Sys.Blocking(Nr.recvfrom, _fd, (long)p, buf.Length, 0, 0, 0);
            Sys.Check(n, "netlink receive");
            for (int off = 0; off + 16 <= n;)
            {
                int len = (int)BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(off));
                ushort type = BinaryPrimitives.ReadUInt16LittleEndian(buf.AsSpan(off + 4));
                uint mseq = BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(off + 8));
                if (len < 16 || off + len > n) break;
                if (mseq == seq)
                {
                    all.Add((type, buf.AsSpan(off + 16, len - 16).ToArray()));
                    if (type is NLMSG_ERROR or NLMSG_DONE) return all;
                }
                off += (len + 3) & ~3;
            }
        }
    }

    public void Dispose() => Sys.Close(_fd);
}

/// <summary>One rtnetlink message: a fixed header (ifinfomsg, ifaddrmsg) and attributes.</summary>
internal sealed class NetlinkMessage(ushort type, ushort extraFlags, byte[] header)
{
    internal const ushort RTM_NEWLINK = 16, RTM_GETLINK = 18, RTM_NEWADDR = 20, RTM_GETADDR = 22;
    internal const ushort IFLA_IFNAME = 3, IFLA_NET_NS_FD = 28;
    internal const ushort IFA_ADDRESS = 1, IFA_LOCAL = 2, IFA_BROADCAST = 4, IFA_FLAGS = 8;
    internal const uint IFF_UP = 1, IFA_F_PERMANENT = 0x80;
    internal const byte RT_SCOPE_UNIVERSE = 0;

    private readonly List<(ushort Type, byte[] Value)> _attrs = [];

    /// <summary>struct ifinfomsg (16 bytes): family, type, index, flags, change.</summary>
    internal static NetlinkMessage Link(ushort type, int index, uint flags = 0, uint change = 0, ushort extraFlags = 0)
    {
        var h = new byte[16];
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), index);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(8), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(12), change);
        return new NetlinkMessage(type, extraFlags, h);
    }

    /// <summary>struct ifaddrmsg (8 bytes): family, prefix length, flags, scope, index.</summary>
    internal static NetlinkMessage Addr(ushort type, byte family, byte prefixLen, byte flags, byte scope, int index, ushort extraFlags = 0)
    {
        var h = new byte[8];
        h[0] = family; h[1] = prefixLen; h[2] = flags; h[3] = scope;
        BinaryPrimitives.WriteInt32LittleEndian(h.AsSpan(4), index);
        return new NetlinkMessage(type, extraFlags, h);
    }

    internal NetlinkMessage Attr(ushort type, byte[] value) { _attrs.Add((type, value)); return this; }

    internal NetlinkMessage Attr(ushort type, string value) => Attr(type, [.. System.Text.Encoding.ASCII.GetBytes(value), 0]);

    internal NetlinkMessage Attr(ushort type, uint value)
    {
        var v = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(v, value);
        return Attr(type, v);
    }

    internal byte[] Build(ushort flags, uint seq)
    {
        int len = 16 + Align(header.Length);
        foreach (var (_, v) in _attrs) len += Align(4 + v.Length);
        var b = new byte[len];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)len);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), (ushort)(flags | extraFlags));
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), seq);
        header.CopyTo(b, 16);
        int off = 16 + Align(header.Length);
        foreach (var (t, v) in _attrs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(off), (ushort)(4 + v.Length));
            BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(off + 2), t);
            v.CopyTo(b, off + 4);
            off += Align(4 + v.Length);
        }
        return b;
    }

    /// <summary>The attributes after a fixed header of <paramref name="headerLen"/> bytes in a received payload.</summary>
    internal static Dictionary<ushort, byte[]> Attributes(byte[] payload, int headerLen)
    {
        var d = new Dictionary<ushort, byte[]>();
        int off = Align(headerLen);
        while (off + 4 <= payload.Length)
        {
            int len = BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(off));
            ushort type = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(off + 2)) & 0x3fff);
            if (len < 4 || off + len > payload.Length) break;
            d[type] = payload.AsSpan(off + 4, len - 4).ToArray();
            off += Align(len);
        }
        return d;
    }

    private static int Align(int n) => (n + 3) & ~3;
}
