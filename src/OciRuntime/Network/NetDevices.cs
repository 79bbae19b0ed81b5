using System.Buffers.Binary;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Network;

/// <summary>
/// <c>linux.netDevices</c> (config-linux.md, runtime-spec 1.3): each host device moves into the container's network
/// namespace through rtnetlink, renamed when asked, keeps its permanent global-scope addresses and is set up. Done by
/// the runtime once the namespace exists and before create returns, as runc 1.3 does. Nothing is moved back at
/// delete (the spec forbids it): when the namespace goes, the kernel returns physical devices to the host's initial
/// namespace and destroys virtual ones.
/// </summary>
internal static class NetDevices
{
    private const byte AF_INET = 2, AF_INET6 = 10;

    /// <summary>An address as the kernel reported it on the host, to add again in the container.</summary>
    internal sealed record Address(byte Family, byte PrefixLen, byte Scope, uint Flags, byte[]? Local, byte[]? Peer, byte[]? Broadcast);

    /// <summary>Moves every device into the network namespace of <paramref name="containerPid"/>.</summary>
    internal static void Move(Dictionary<string, LinuxNetDevice>? devices, int containerPid)
    {
        if (devices is null || devices.Count == 0) return;
        using var netns = new OwnedFd(Sys.Open($"/proc/{containerPid}/ns/net", Sys.O_RDONLY | Sys.O_CLOEXEC));
        using var host = NetlinkSocket.Open();
        using var inside = NetlinkSocket.OpenIn(netns.Fd);
        foreach (var (hostName, dev) in devices)
            MoveOne(host, inside, netns.Fd, hostName, string.IsNullOrEmpty(dev?.Name) ? hostName : dev.Name);
    }

    private static void MoveOne(NetlinkSocket host, NetlinkSocket inside, int netns, string hostName, string name)
    {
        string at = $"linux.netDevices[\"{hostName}\"]";
        int index = IndexOf(host, hostName)
            ?? throw new RuntimeError($"{at}: no network device {hostName} on the host");
        var addresses = AddressesOf(host, index);

        // A fixed name already in the container's namespace: say so rather than leave it to EEXIST's wording.
        if (!name.Contains('%') && IndexOf(inside, name) is not null)
            throw new RuntimeError($"{at}: the name {name} is taken in the container's network namespace");
        int err = host.Request(NetlinkMessage.Link(NetlinkMessage.RTM_NEWLINK, index)
            .Attr(NetlinkMessage.IFLA_NET_NS_FD, (uint)netns)
            .Attr(NetlinkMessage.IFLA_IFNAME, name));
        if (err == -Errno.EEXIST)
            throw new RuntimeError($"{at}: the name {name} is taken in the container's network namespace");
        if (err < 0)
            throw new RuntimeError($"{at}: cannot move {hostName} into the container's network namespace: {SyscallException.Describe(-err)}");

        // The kernel keeps the index when it is free in the new namespace (a fresh one has only lo); a template
        // name ("eth%d") is only known through the index.
        int moved = IndexOf(inside, index) ? index
            : IndexOf(inside, name) ?? throw new RuntimeError($"{at}: moved, but not found in the container as {name}");
        err = inside.Request(NetlinkMessage.Link(NetlinkMessage.RTM_NEWLINK, moved, NetlinkMessage.IFF_UP, NetlinkMessage.IFF_UP));
        if (err < 0) throw new RuntimeError($"{at}: set {name} up: {SyscallException.Describe(-err)}");
        foreach (var a in addresses)
        {
            var msg = NetlinkMessage.Addr(NetlinkMessage.RTM_NEWADDR, a.Family, a.PrefixLen, (byte)(a.Flags & 0xff), a.Scope, moved,
                NetlinkSocket.NLM_F_CREATE | NetlinkSocket.NLM_F_EXCL);
            if (a.Local is not null) msg.Attr(NetlinkMessage.IFA_LOCAL, a.Local);
            if (a.Peer is not null) msg.Attr(NetlinkMessage.IFA_ADDRESS, a.Peer);
            if (a.Broadcast is not null) msg.Attr(NetlinkMessage.IFA_BROADCAST, a.Broadcast);
            msg.Attr(NetlinkMessage.IFA_FLAGS, a.Flags);
            err = inside.Request(msg);
            if (err < 0 && err != -Errno.EEXIST)
                throw new RuntimeError($"{at}: add address {Text(a)} to {name}: {SyscallException.Describe(-err)}");
        }
    }

    /// <summary>The index of the device named <paramref name="name"/>, or null when there is none.</summary>
    private static int? IndexOf(NetlinkSocket s, string name)
    {
        foreach (var (type, payload) in s.Dump(NetlinkMessage.Link(NetlinkMessage.RTM_GETLINK, 0)))
        {
            if (type != NetlinkMessage.RTM_NEWLINK || payload.Length < 16) continue;
            var attrs = NetlinkMessage.Attributes(payload, 16);
            if (attrs.TryGetValue(NetlinkMessage.IFLA_IFNAME, out var n) && CName(n) == name)
                return BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        }
        return null;
    }

    private static bool IndexOf(NetlinkSocket s, int index) =>
        s.Dump(NetlinkMessage.Link(NetlinkMessage.RTM_GETLINK, 0)).Any(m =>
            m.Type == NetlinkMessage.RTM_NEWLINK && m.Payload.Length >= 16 && BinaryPrimitives.ReadInt32LittleEndian(m.Payload.AsSpan(4)) == index);

    /// <summary>The permanent (not DHCP- or SLAAC-made) global-scope addresses of every family on the device.</summary>
    internal static List<Address> AddressesOf(NetlinkSocket s, int index)
    {
        var kept = new List<Address>();
        foreach (var (type, p) in s.Dump(NetlinkMessage.Addr(NetlinkMessage.RTM_GETADDR, 0, 0, 0, 0, 0)))
        {
            if (type != NetlinkMessage.RTM_NEWADDR || p.Length < 8) continue;
            if (BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(4)) != index) continue;
            var attrs = NetlinkMessage.Attributes(p, 8);
            // IFA_FLAGS carries all 32 bits; ifa_flags only the low 8.
            uint flags = attrs.TryGetValue(NetlinkMessage.IFA_FLAGS, out var f) && f.Length >= 4
                ? BinaryPrimitives.ReadUInt32LittleEndian(f) : p[2];
            if (p[3] != NetlinkMessage.RT_SCOPE_UNIVERSE || (flags & NetlinkMessage.IFA_F_PERMANENT) == 0) continue;
            kept.Add(new Address(p[0], p[1], p[3], flags,
                attrs.GetValueOrDefault(NetlinkMessage.IFA_LOCAL), attrs.GetValueOrDefault(NetlinkMessage.IFA_ADDRESS),
                attrs.GetValueOrDefault(NetlinkMessage.IFA_BROADCAST)));
        }
        return kept;
    }

    private static string CName(byte[] b)
    {
        int end = Array.IndexOf(b, (byte)0);
        return System.Text.Encoding.ASCII.GetString(b, 0, end < 0 ? b.Length : end);
    }

    private static string Text(Address a)
    {
        byte[]? ip = a.Local ?? a.Peer;
        string s = ip is { Length: 4 or 16 } ? new System.Net.IPAddress(ip).ToString() : "?";
        return $"{s}/{a.PrefixLen}";
    }
}
