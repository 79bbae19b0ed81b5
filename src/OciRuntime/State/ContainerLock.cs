using OciRuntime.Interop;

namespace OciRuntime.State;

/// <summary>An exclusive flock on the container's directory, held for the whole command.</summary>
internal sealed class ContainerLock : IDisposable
{
    private int _fd;
    public string Id { get; }

    private ContainerLock(int fd, string id) { _fd = fd; Id = id; }

    internal static ContainerLock Acquire(string dir, string id)
    {
        long fd = Sys.TryOpenAt(Sys.AT_FDCWD, dir, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW);
        if (fd == -Errno.ENOENT) throw new ContainerNotFound(id);
        if (fd == -Errno.ENOTDIR || fd == -Errno.ELOOP) throw DamagedState.NotDirectory(id, dir);
        using var owned = OwnedFd.Check(fd, $"open {dir}");
        Sys.Check(Sys.TryFlock(owned.Fd, Sys.LOCK_EX), $"lock {dir}");
        return new ContainerLock(owned.Release(), id);
    }

    /// <summary>The locked directory is still the one at <paramref name="dir"/>: a delete that held the lock before
    /// us has not removed it, nor has a new create of the same id put another one there.</summary>
    internal bool IsAt(string dir)
    {
        var held = Sys.StatFd(_fd, out _);
        using var fd = new OwnedFd(Sys.TryOpenAt(Sys.AT_FDCWD, dir, Sys.O_PATH | Sys.O_NOFOLLOW));
        return fd.IsOpen && Sys.StatFd(fd.Fd, out _) is { } now && held is { } h && now.Ino == h.Ino && now.MountId == h.MountId;
    }

    public void Dispose()
    {
        if (_fd >= 0) Sys.Close(_fd);
        _fd = -1;
    }
}
