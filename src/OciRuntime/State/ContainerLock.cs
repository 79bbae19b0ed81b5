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
        long fd = Sys.OpenAt(Sys.AT_FDCWD, dir, Sys.O_RDONLY | Sys.O_DIRECTORY | Sys.O_NOFOLLOW);
        if (fd == -Errno.ENOENT) throw new ContainerNotFound(id);
        if (fd == -Errno.ENOTDIR || fd == -Errno.ELOOP) throw DamagedState.NotDirectory(id, dir);
        Sys.Check(fd, $"open {dir}");
        long r = Sys.Flock((int)fd, Sys.LOCK_EX);
        if (r < 0) { Sys.Close((int)fd); Sys.Check(r, $"lock {dir}"); }
        return new ContainerLock((int)fd, id);
    }

    /// <summary>The locked directory is still the one at <paramref name="dir"/>: a delete that held the lock before
    /// us has not removed it, nor has a new create of the same id put another one there.</summary>
    internal bool IsAt(string dir)
    {
        var held = Sys.StatFd(_fd, out _);
        long fd = Sys.OpenAt(Sys.AT_FDCWD, dir, Sys.O_PATH | Sys.O_NOFOLLOW);
        if (fd < 0) return false;
        try { return Sys.StatFd((int)fd, out _) is { } now && held is { } h && now.Ino == h.Ino && now.MountId == h.MountId; }
        finally { Sys.Close((int)fd); }
    }

    public void Dispose()
    {
        if (_fd >= 0) Sys.Close(_fd);
        _fd = -1;
    }
}
