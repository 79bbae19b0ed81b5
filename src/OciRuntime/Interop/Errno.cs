namespace OciRuntime.Interop;

internal static class Errno
{
    internal const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9, ECHILD = 10,
        EAGAIN = 11, ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17, ENOTDIR = 20, EISDIR = 21, EINVAL = 22,
        ENOSPC = 28, EROFS = 30, EPIPE = 32, ERANGE = 34, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40, EXDEV = 18,
        EOPNOTSUPP = 95, EOVERFLOW = 75, ESTALE = 116, E2BIG = 7, ENAMETOOLONG = 36, ENOEXEC = 8, ETIMEDOUT = 110,
        EMSGSIZE = 90;
}
