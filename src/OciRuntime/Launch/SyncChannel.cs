using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The parent's view of the sync socket (SOCK_SEQPACKET: one read is one message); the messages are
/// SyncProtocol's.
/// </summary>
internal sealed class SyncChannel(int fd) : IDisposable
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    public int Fd { get; private set; } = fd;

    /// <summary>Descriptors that came with the last message (SCM_RIGHTS); the receiver takes them out.</summary>
    public List<int> ReceivedFds { get; } = [];

    /// <summary>Reads one message; an empty span means the other side closed.</summary>
    public ReadOnlySpan<byte> Receive()
    {
        foreach (int fd in ReceivedFds) Sys.Close(fd);
        ReceivedFds.Clear();
        int n = Sys.RecvWithFds(Fd, _buffer, ReceivedFds);
        return _buffer.AsSpan(0, n);
    }

    public unsafe void SendZone(ZoneMessage kind)
    {
        int* m = stackalloc int[4];
        m[0] = (int)kind; m[1] = m[2] = m[3] = 0;
        Sys.WriteAll(Fd, new ReadOnlySpan<byte>(m, 16), "write sync socket");
    }

    public void Dispose()
    {
        Sys.Close(Fd);
        Fd = -1;
    }
}
