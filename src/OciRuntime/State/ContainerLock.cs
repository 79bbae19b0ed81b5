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
        long fd = Sys.OpenAt(Sys.AT_FDCWD, dir, Sys.O_RDONLY | Sys.O_DIRECTORY);
        if (fd == -Errno.ENOENT) throw new ContainerNotFound(id);
        Sys.Check(fd, $"open {dir}");
        long r = Sys.Flock((int)fd, Sys.LOCK_EX);
        if (r < 0) { Sys.Close((int)fd); Sys.Check(r, $"lock {dir}"); }
        return new ContainerLock((int)fd, id);
    }

    public void Dispose()
    {
        if (_fd >= 0) Sys.Close(_fd);
        _fd = -1;
    }
}
