namespace OciRuntime.Interop;

/// <summary>Descriptors over a unix socket (SCM_RIGHTS) for managed callers, on the one layout of <see cref="FdMessage"/>.</summary>
internal static unsafe partial class Sys
{
    internal const int MSG_CTRUNC = 0x8, MSG_CMSG_CLOEXEC = 0x40000000;

    /// <summary>Sends <paramref name="payload"/> with file descriptors attached (SCM_RIGHTS).</summary>
    internal static void SendWithFds(int sock, ReadOnlySpan<byte> payload, ReadOnlySpan<int> fds)
    {
        if (fds.Length > FdMessage.MaxFds) throw new SyscallException($"sendmsg: {fds.Length} descriptors, at most {FdMessage.MaxFds}", Errno.EINVAL);
        FdMessage m;
        fixed (byte* p = payload)
        fixed (int* f = fds)
            Check(Blocking(Nr.sendmsg, sock, (long)FdMessage.ForSend(&m, p, payload.Length, f, fds.Length), MSG_NOSIGNAL), "sendmsg");
    }

    /// <summary>
    /// Receives one message and the descriptors attached to it (SCM_RIGHTS, close-on-exec) into
    /// <paramref name="fds"/>. Returns the payload length (0 when the peer closed). More descriptors than
    /// <see cref="FdMessage.MaxFds"/> are an error, and none of them is kept.
    /// </summary>
    internal static int RecvWithFds(int sock, Span<byte> payload, List<int> fds)
    {
        FdMessage m;
        int* got = stackalloc int[FdMessage.MaxFds];
        long n;
        fixed (byte* p = payload) n = Check(Blocking(Nr.recvmsg, sock, (long)FdMessage.ForReceive(&m, p, payload.Length), MSG_CMSG_CLOEXEC), "recvmsg");
        int count = FdMessage.TakeFds(&m, got);
        if (count < 0) throw new SyscallException("recvmsg: descriptors truncated", -count);
        for (int i = 0; i < count; i++) fds.Add(got[i]);
        return (int)n;
    }
}
