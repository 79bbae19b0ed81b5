using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>
/// The parent's and init's view of the sync socket (SOCK_SEQPACKET: one read is one message).
/// The zone sends fixed 16-byte binary messages whose first byte is 1..4; init sends text messages
/// whose first byte is a letter, so the two never collide.
/// </summary>
internal sealed class SyncChannel(int fd) : IDisposable
{
    internal const byte InitHooks = (byte)'H', InitLimits = (byte)'L', ParentLimitsDone = (byte)'l', InitCgroup = (byte)'C', ParentCgroupDone = (byte)'c', InitReady = (byte)'R', InitError = (byte)'E', ParentHooksDone = (byte)'h', ParentHooksFailed = (byte)'x';
    /// <summary>Init loaded a filter with a notify rule; the next message carries the listener fd (SCM_RIGHTS).</summary>
    internal const byte InitSeccompFd = (byte)'S', ParentSeccompDone = (byte)'s';
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

    public void Send(byte kind, string text = "")
    {
        var bytes = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        bytes[0] = kind;
        Encoding.UTF8.GetBytes(text, bytes.AsSpan(1));
        Sys.WriteAll(Fd, bytes, "write sync socket");
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
