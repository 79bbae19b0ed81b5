using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Tests.Unit;

/// <summary>The one SCM_RIGHTS layout, through a real socket pair: what is sent arrives with the same open files,
/// close-on-exec, whether the zone's raw send or the managed one carried it.</summary>
public sealed unsafe class FdMessageTests
{
    private static ulong Inode(int fd) => Sys.StatFd(fd, out _)?.Ino ?? throw new InvalidOperationException("statx");

    [Fact]
    public void Descriptors_and_payload_arrive_as_sent()
    {
        var (a, b) = Sys.SocketPair(Sys.SOCK_STREAM);
        using var ours = new OwnedFd(a);
        using var theirs = new OwnedFd(b);
        var (r, w) = Sys.Pipe();
        using var pr = new OwnedFd(r);
        using var pw = new OwnedFd(w);

        Sys.SendWithFds(ours.Fd, "/dev/pts/7"u8, [pr.Fd, pw.Fd]);
        var got = new List<int>();
        Span<byte> buf = stackalloc byte[64];
        int n = Sys.RecvWithFds(theirs.Fd, buf, got);
        try
        {
            Assert.Equal("/dev/pts/7", Encoding.UTF8.GetString(buf[..n]));
            Assert.Equal(2, got.Count);
            Assert.Equal(Inode(pr.Fd), Inode(got[0]));
            Assert.Equal(Inode(pw.Fd), Inode(got[1]));
            Assert.Equal(Sys.FD_CLOEXEC, Sys.Fast(Nr.fcntl, got[0], Sys.F_GETFD) & Sys.FD_CLOEXEC);
        }
        finally { foreach (int fd in got) Sys.Close(fd); }
    }

    [Fact]
    public void The_zone_style_raw_send_with_no_payload_still_delivers_the_descriptor()
    {
        var (a, b) = Sys.SocketPair(Sys.SOCK_STREAM);
        using var ours = new OwnedFd(a);
        using var theirs = new OwnedFd(b);
        using var dir = OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, "/", Sys.O_PATH | Sys.O_DIRECTORY), "open /");

        FdMessage m;
        int fd = dir.Fd;
        Assert.True(Sys.Fast(Nr.sendmsg, ours.Fd, (long)FdMessage.ForSend(&m, null, 0, &fd, 1), Sys.MSG_NOSIGNAL) > 0);
        var got = new List<int>();
        Sys.RecvWithFds(theirs.Fd, stackalloc byte[8], got);
        try
        {
            Assert.Single(got);
            Assert.Equal(Inode(dir.Fd), Inode(got[0]));
        }
        finally { foreach (int g in got) Sys.Close(g); }
    }

    [Fact]
    public void More_descriptors_than_the_layout_holds_are_refused_before_any_send()
    {
        FdMessage m;
        int* fds = stackalloc int[FdMessage.MaxFds + 1];
        Assert.True(FdMessage.ForSend(&m, null, 0, fds, FdMessage.MaxFds + 1) == null);
        Assert.True(FdMessage.ForSend(&m, null, 0, fds, FdMessage.MaxFds) != null);
    }
}
