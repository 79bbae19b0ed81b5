using System.Text;
using OciRuntime.Cgroups;

namespace OciRuntime.Tests.Cgroups;

/// <summary>
/// The handshake rewrite that keeps systemd 252 from stalling: BEGIN goes out in the same write as the AUTH line, the
/// client's own BEGIN is dropped, and D-Bus messages after it pass untouched (the real connection is tested against
/// systemd in the QEMU guest: suite-systemd.sh, case connections).
/// </summary>
public sealed class SystemdAuthStreamTests
{
    // Records each write the stream makes to the socket: what systemd can receive in one read.
    private sealed class WriteLog : MemoryStream
    {
        public List<string> Writes { get; } = new();
        public override void Write(ReadOnlySpan<byte> buffer) => Writes.Add(Encoding.Latin1.GetString(buffer));
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    }

    // A method call's first bytes, with "\r\n" and "BEGIN\r\n" inside it, as any binary body may have.
    private const string Message = "l\u0001\u0000\u0001\u0008\u0000\u0000\u0000BEGIN\r\n\u0000\r\n";

    [Fact]
    public void The_clients_separate_writes_become_AUTH_with_BEGIN_in_one_write_then_messages_untouched()
    {
        var log = new WriteLog();
        using var s = new SystemdAuthStream(log);
        foreach (var w in new[] { "\0", "AUTH EXTERNAL 30\r\n", "BEGIN\r\n", Message, "BEGIN\r\n" })
            s.Write(Encoding.Latin1.GetBytes(w));
        Assert.Equal(["\0AUTH EXTERNAL 30\r\nBEGIN\r\n", Message, "BEGIN\r\n"], log.Writes);
    }

    [Fact]
    public void A_handshake_written_at_once_keeps_one_BEGIN_and_the_message_after_it()
    {
        var log = new WriteLog();
        using var s = new SystemdAuthStream(log);
        s.Write(Encoding.Latin1.GetBytes("\0AUTH EXTERNAL 30\r\nBEGIN\r\n" + Message));
        Assert.Equal(["\0AUTH EXTERNAL 30\r\nBEGIN\r\n" + Message], log.Writes);
    }

    [Fact]
    public void Lines_other_than_AUTH_pass_as_they_are()
    {
        var log = new WriteLog();
        using var s = new SystemdAuthStream(log);
        s.Write("\0AUTH ANONYMOUS\r\n"u8);
        s.Write("DATA\r\n"u8);
        s.Write("BEGIN\r\n"u8);
        Assert.Equal(["\0AUTH ANONYMOUS\r\nBEGIN\r\n", "DATA\r\n"], log.Writes);
    }
}
