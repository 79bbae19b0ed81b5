using OciRuntime.Interop;

namespace OciRuntime.Tests.Unit;

/// <summary>The owned descriptor closes what it owns at the end of its scope, and nothing it handed on. Each test
/// works on a copy of /dev/null placed high (F_DUPFD_CLOEXEC from 2000 up), where no other test's open can take the
/// number back between the close and the check.</summary>
public sealed class OwnedFdTests
{
    private static int HighNull(int min)
    {
        int low = Sys.CheckFd(Sys.TryOpenAt(Sys.AT_FDCWD, "/dev/null", Sys.O_RDONLY), "open /dev/null");
        try { return Sys.DupCloexecAbove(low, min); }
        finally { Sys.Close(low); }
    }

    private static bool IsOpen(int fd) => Sys.Fast(Nr.fcntl, fd, Sys.F_GETFD) >= 0;

    [Fact]
    public void The_end_of_a_using_scope_closes_the_descriptor()
    {
        int fd = HighNull(2000);
        using (var owned = new OwnedFd(fd)) Assert.True(IsOpen(owned.Fd));
        Assert.False(IsOpen(fd));
    }

    [Fact]
    public void An_exception_in_the_scope_still_closes_it()
    {
        int fd = HighNull(2100);
        Action step = () =>
        {
            using var owned = new OwnedFd(fd);
            throw new InvalidOperationException("step failed");
        };
        Assert.Throws<InvalidOperationException>(step);
        Assert.False(IsOpen(fd));
    }

    [Fact]
    public void A_released_descriptor_outlives_the_using_local_it_came_from()
    {
        int fd = HighNull(2200);
        int handedOn;
        using (var owned = new OwnedFd(fd)) handedOn = owned.Release();
        try
        {
            Assert.Equal(fd, handedOn);
            Assert.True(IsOpen(fd));
        }
        finally { Sys.Close(fd); }
    }

    [Fact]
    public void An_errno_result_owns_nothing_and_Check_names_the_operation()
    {
        var none = new OwnedFd(-Errno.ENOENT);
        Assert.False(none.IsOpen);
        Assert.Equal(-1, none.Fd);
        none.Dispose();
        var e = Assert.Throws<SyscallException>(() => OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, "/nonexistent-ocirun-test", Sys.O_RDONLY), "open /nonexistent-ocirun-test"));
        Assert.Equal(Errno.ENOENT, e.Errno);
        Assert.StartsWith("open /nonexistent-ocirun-test: ", e.Message);
    }
}
