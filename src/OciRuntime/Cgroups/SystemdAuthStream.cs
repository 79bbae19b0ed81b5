namespace OciRuntime.Cgroups;

/// <summary>
/// The socket to systemd, with the client's SASL BEGIN sent together with its AUTH line, as systemd's own clients
/// (sd-bus: systemctl, busctl) send it.
/// <para>
/// Why: systemd 252's server side (sd-bus) leaves bytes that arrive in the same read as BEGIN in its read buffer, and
/// only parses them when more bytes arrive. Tmds.DBus sends BEGIN after reading OK and its first message (Hello) right
/// behind it; when systemd is slow to read (a loaded host, a guest in software emulation) both land in one read and the
/// connection waits forever for a reply to a message systemd never looked at. Measured in the QEMU guest with a raw
/// client: a message written together with BEGIN was answered 0 times in 10, the same message written 0.5 s later
/// 10 times in 10. With BEGIN in the first write, systemd reads it with the AUTH line and acts on it right after
/// writing OK, before the client can have sent anything else.
/// </para>
/// Only the handshake is rewritten: the NUL byte and the AUTH line go out in one write with BEGIN after them, the
/// client's own BEGIN later is dropped, and everything from then on passes through untouched.
/// </summary>
internal sealed class SystemdAuthStream(Stream inner) : Stream
{
    private static readonly byte[] Begin = "BEGIN\r\n"u8.ToArray();
    private readonly List<byte> _held = new();
    private bool _beginSent;
    private bool _passThrough;

    /// <summary>The bytes the handshake's next write sends for what the client wrote (pure: unit-tested).</summary>
    internal byte[] Rewrite(ReadOnlySpan<byte> written)
    {
        if (_passThrough) return written.ToArray();
        _held.AddRange(written);
        var send = new List<byte>();
        while (true)
        {
            int end = IndexOfCrLf(_held);
            if (end < 0) break;
            var line = _held.GetRange(0, end + 2).ToArray();
            _held.RemoveRange(0, end + 2);
            ReadOnlySpan<byte> text = line.AsSpan().TrimStart((byte)0);
            if (_beginSent && text.SequenceEqual(Begin))
            {
                // From here on the client speaks D-Bus messages: what follows its BEGIN is not a line.
                _passThrough = true;
                send.AddRange(_held);
                _held.Clear();
                break;
            }
            send.AddRange(line);
            if (text.StartsWith("AUTH "u8))
            {
                send.AddRange(Begin);
                _beginSent = true;
            }
        }
        return send.ToArray();
    }

    private static int IndexOfCrLf(List<byte> b)
    {
        for (int i = 0; i + 1 < b.Count; i++)
            if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var send = Rewrite(buffer);
        if (send.Length > 0) inner.Write(send);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var send = Rewrite(buffer.Span);
        if (send.Length > 0) await inner.WriteAsync(send, cancellationToken).ConfigureAwait(false);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
    public override int Read(Span<byte> buffer) => inner.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
