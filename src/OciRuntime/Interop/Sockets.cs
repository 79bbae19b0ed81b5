namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_SEQPACKET = 5, SOCK_CLOEXEC = 0x80000;
    internal const int SOL_SOCKET = 1, SCM_RIGHTS = 1, MSG_NOSIGNAL = 0x4000;

    internal static (int, int) SocketPair(int type)
    {
        int* fds = stackalloc int[2];
        Check(Fast(Nr.socketpair, AF_UNIX, type | SOCK_CLOEXEC, 0, (long)fds), "socketpair");
        return (fds[0], fds[1]);
    }

    /// <summary>Connects a unix stream socket to <paramref name="path"/>.</summary>
    internal static int ConnectUnix(string path)
    {
        int fd = CheckFd(Fast(Nr.socket, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), "socket");
        byte[] name = CString.Of(path);
        if (name.Length > 108) { Close(fd); throw new SyscallException($"connect {path}: path longer than 107 bytes", Errno.EINVAL); }
        byte* addr = stackalloc byte[110];
        new Span<byte>(addr, 110).Clear();
        *(ushort*)addr = AF_UNIX;
        name.CopyTo(new Span<byte>(addr + 2, 108));
        long r = Blocking(Nr.connect, fd, (long)addr, 110);
        if (r < 0) { Close(fd); throw new SyscallException($"connect {path}", (int)-r); }
        return fd;
    }
}
