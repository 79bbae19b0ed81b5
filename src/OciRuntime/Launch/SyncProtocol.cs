using System.Buffers.Binary;
using OciRuntime.Interop;
using OciRuntime.Launch.Setup;

namespace OciRuntime.Launch;

/// <summary>
/// The sync socket between the CLI (parent) and the zone running the setup program (DESIGN.md §3). One
/// SOCK_SEQPACKET pair: one write is one message. Every message starts with a 16-byte header
/// <c>{int kind; int a; int b; int c}</c>, little-endian, optionally followed by a payload; SeccompFd carries a
/// descriptor (SCM_RIGHTS).
/// <code>
///   parent (CLI)                                   zone (clone of the CLI, then the container's process)
///   clone ───────────────────────────────────────▶ joins, unshare user ns
///          ◀──────────────────────────── Hello      (only with WaitForGo: user ns, joins, memory limit)
///   id maps, cgroup join, affinity
///   Go ─────────────────────────────────────────▶
///          ◀──────────────────── ChildPid {pid}     (second fork for a pid/time namespace)
///   [without WaitForGo: cgroup join while the zone runs]
///          ◀──────────── Request CgroupJoined       before unshare(CLONE_NEWCGROUP)
///   Done ───────────────────────────────────────▶
///          ◀──────────── Request Hooks              before createContainer hooks (prestart, createRuntime)
///   Done {state JSON} / ParentFailed ───────────▶
///          ◀──────────── Request Limits             before the credentials change (prlimit on the zone)
///   Done / ParentFailed ────────────────────────▶
///          ◀──────────── SeccompFd + fd             a filter with a notify rule was loaded
///   Done / ParentFailed ────────────────────────▶
///          ◀──────────── Ready {marks} {ns...}      setup done; create: the zone closes its end and waits on
///                                                   the exec FIFO; exec: the socket closes at execve
///          ◀──────────── Failed {op, errno, detail} any operation before Ready (the parent words it)
/// </code>
/// ParentFailed ends the zone quietly: the parent reports its own error. End-of-file on either side means the
/// other is gone. The zone's kinds are all below 32: a first byte that is not one is an error the parent reports.
/// </summary>
internal static class SyncProtocol
{
    public const int HeaderSize = 16;

    /// <summary>A kind the zone's header carries in its first byte (below any letter of init's text messages).</summary>
    public static bool IsZoneMessage(ReadOnlySpan<byte> msg) => msg.Length >= HeaderSize && msg[0] is > 0 and < 32;

    public readonly record struct Header(ZoneMessage Kind, int A, int B, int C);

    public static Header Read(ReadOnlySpan<byte> msg) => new(
        (ZoneMessage)BinaryPrimitives.ReadInt32LittleEndian(msg),
        BinaryPrimitives.ReadInt32LittleEndian(msg[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(msg[8..]),
        BinaryPrimitives.ReadInt32LittleEndian(msg[12..]));

    /// <summary>Parent side: a header and an optional payload in one message.</summary>
    public static void Send(int fd, ZoneMessage kind, ReadOnlySpan<byte> payload = default, int a = 0)
    {
        var msg = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(msg, (int)kind);
        BinaryPrimitives.WriteInt32LittleEndian(msg.AsSpan(4), a);
        payload.CopyTo(msg.AsSpan(HeaderSize));
        Sys.WriteAll(fd, msg, "write sync socket");
    }

    /// <summary>Zone side: a header alone (raw system call, from the zone's message buffer).</summary>
    internal static unsafe long ZoneSend(ZoneState* z, ZoneMessage kind, int a, int b, int c)
    {
        z->Message[0] = (int)kind; z->Message[1] = a; z->Message[2] = b; z->Message[3] = c;
        int* m = z->Message;
        return Sys.Fast(Nr.write, z->SyncFd, (long)m, HeaderSize);
    }

    /// <summary>Zone side: a header followed by <paramref name="len"/> bytes of payload, in one message.</summary>
    internal static unsafe long ZoneSend(ZoneState* z, ZoneMessage kind, int a, byte* payload, int len)
    {
        z->Message[0] = (int)kind; z->Message[1] = a; z->Message[2] = 0; z->Message[3] = 0;
        long* iov = stackalloc long[4];
        int* m = z->Message;
        iov[0] = (long)m; iov[1] = HeaderSize;
        iov[2] = (long)payload; iov[3] = len;
        return Sys.Fast(Nr.writev, z->SyncFd, (long)iov, len > 0 ? 2 : 1);
    }

    /// <summary>Zone side: a header with a descriptor attached (SCM_RIGHTS).</summary>
    internal static unsafe long ZoneSendFd(ZoneState* z, ZoneMessage kind, int fd)
    {
        z->Message[0] = (int)kind; z->Message[1] = 0; z->Message[2] = 0; z->Message[3] = 0;
        FdMessage m;
        long r;
        do r = Sys.Fast(Nr.sendmsg, z->SyncFd, (long)FdMessage.ForSend(&m, z->Message, HeaderSize, &fd, 1), 0);
        while (r == -Errno.EINTR);
        return r;
    }
}
