using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Conformance.Support;

/// <summary>
/// The receiving end of runc's --console-socket: a Unix socket on which the runtime
/// sends the pty master of a terminal container as an SCM_RIGHTS message. .NET's
/// sockets cannot receive file descriptors, so the message is read with recvmsg(2).
/// </summary>
public sealed class ConsoleSocket : IDisposable
{
    readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    readonly Task<SafeFileHandle> _master;

    public string Path { get; }

    public ConsoleSocket(string path)
    {
        Path = path;
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(1);
        _master = Task.Run(async () =>
        {
            using var conn = await _listener.AcceptAsync();
            return new SafeFileHandle(ReceiveFd((int)conn.Handle), ownsHandle: true);
        });
    }

    /// <summary>The pty master the runtime sent, or null if none came in time.</summary>
    public SafeFileHandle? WaitForMaster(TimeSpan timeout) =>
        _master.Wait(timeout) ? _master.Result : null;

    /// <summary>
    /// Reads from the pty master until <paramref name="marker"/> has been seen, the
    /// slave side is gone (EIO), or the time is up; returns what was read.
    /// </summary>
    public static string ReadUntil(SafeFileHandle master, string marker, TimeSpan timeout)
    {
        var text = new StringBuilder();
        var reader = Task.Run(() =>
        {
            using var stream = new FileStream(master, FileAccess.Read, bufferSize: 0);
            var buffer = new byte[4096];
            try
            {
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    lock (text) text.Append(Encoding.UTF8.GetString(buffer, 0, n));
                    lock (text) if (text.ToString().Contains(marker)) return;
                }
            }
            catch (IOException) { /* EIO: every slave fd is closed */ }
        });
        reader.Wait(timeout);
        lock (text) return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    // x86_64/aarch64 layouts of struct msghdr, iovec and cmsghdr.
    [StructLayout(LayoutKind.Sequential)]
    struct IoVec { public nint Base; public nuint Len; }

    [StructLayout(LayoutKind.Sequential)]
    struct MsgHdr
    {
        public nint Name; public uint NameLen; public nint Iov; public nuint IovLen;
        public nint Control; public nuint ControlLen; public int Flags;
    }

    const int SolSocket = 1, ScmRights = 1;

    [DllImport("libc", SetLastError = true)]
    static extern unsafe nint recvmsg(int fd, MsgHdr* msg, int flags);

    static unsafe nint ReceiveFd(int socket)
    {
        byte* data = stackalloc byte[4096];   // runc puts the pty's name here
        byte* control = stackalloc byte[64];  // one cmsghdr (16 bytes) + one int, aligned
        var iov = new IoVec { Base = (nint)data, Len = 4096 };
        var msg = new MsgHdr { Iov = (nint)(&iov), IovLen = 1, Control = (nint)control, ControlLen = 64 };
        if (recvmsg(socket, &msg, 0) < 0)
            throw new IOException($"recvmsg on the console socket failed: errno {Marshal.GetLastPInvokeError()}");
        if (msg.ControlLen < 20 || *(int*)(control + 8) != SolSocket || *(int*)(control + 12) != ScmRights)
            throw new IOException("the console socket message carried no file descriptor");
        return *(int*)(control + 16);
    }
}
