using System.Buffers.Binary;
using OciRuntime.Interop;

namespace OciRuntime.Tests.Unit;

/// <summary>The rtnetlink message layout (netlink(7), rtnetlink(7)): header, fixed part, 4-byte aligned attributes.</summary>
public class NetlinkMessageUnitTests
{
    [Fact]
    public void A_link_request_is_laid_out_as_the_kernel_reads_it()
    {
        byte[] b = NetlinkMessage.Link(NetlinkMessage.RTM_NEWLINK, 7, NetlinkMessage.IFF_UP, NetlinkMessage.IFF_UP)
            .Attr(NetlinkMessage.IFLA_NET_NS_FD, 9u).Attr(NetlinkMessage.IFLA_IFNAME, "eth9")
            .Build(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_ACK, 42);
        // nlmsghdr 16 + ifinfomsg 16 + (4+4) + align(4+5)=12
        Assert.Equal(16 + 16 + 8 + 12, b.Length);
        Assert.Equal((uint)b.Length, BinaryPrimitives.ReadUInt32LittleEndian(b));
        Assert.Equal(NetlinkMessage.RTM_NEWLINK, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(4)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(6)));
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8)));
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(16 + 4)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + 8)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(16 + 12)));

        // The attributes read back (after the 16-byte fixed part of the payload).
        var attrs = NetlinkMessage.Attributes(b[16..], 16);
        Assert.Equal(9u, BinaryPrimitives.ReadUInt32LittleEndian(attrs[NetlinkMessage.IFLA_NET_NS_FD]));
        Assert.Equal("eth9\0"u8.ToArray(), attrs[NetlinkMessage.IFLA_IFNAME]);
    }

    [Fact]
    public void An_address_request_has_the_8_byte_ifaddrmsg()
    {
        byte[] b = NetlinkMessage.Addr(NetlinkMessage.RTM_NEWADDR, 10, 64, 0, 0, 3, NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL)
            .Attr(NetlinkMessage.IFA_ADDRESS, new byte[16]).Build(NetlinkSocket.NLM_F_REQUEST, 1);
        Assert.Equal(16 + 8 + 20, b.Length);
        Assert.Equal(NetlinkSocket.NLM_F_REQUEST | NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL, BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(6)));
        Assert.Equal([10, 64, 0, 0], b[16..20]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(20)));
        Assert.Equal(16, NetlinkMessage.Attributes(b[16..], 8)[NetlinkMessage.IFA_ADDRESS].Length);
    }
}
