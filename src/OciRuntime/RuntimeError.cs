using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime;

/// <summary>
/// An error to report to the user as one line; the process exits non-zero. Where the error comes from a config
/// field or the kernel, <see cref="Field"/> and <see cref="Errno"/> carry them as data and the text is built from
/// them ("field: what: strerror"), so a caller decides on the errno, never on the words.
/// </summary>
internal class RuntimeError : Exception
{
    public RuntimeError(string message) : base(message) { }

    /// <param name="field">The config field or flag the error is about, or null.</param>
    /// <param name="what">The step that failed ("create /sys/fs/cgroup/pids/x").</param>
    /// <param name="errno">The kernel's answer, 0 when there was none.</param>
    public RuntimeError(string? field, string what, int errno = 0, Exception? inner = null)
        : base(Compose(field, what, errno), inner)
    {
        Field = field;
        Errno = errno;
    }

    /// <summary>The config field (or command-line flag) the error names; null when it names none.</summary>
    public string? Field { get; }

    /// <summary>The errno that caused it; 0 when no system call failed.</summary>
    public int Errno { get; }

    internal static string Compose(string? field, string what, int errno) =>
        (field is null ? "" : field + ": ") + what + (errno != 0 ? ": " + SyscallException.Describe(errno) : "");

    /// <summary>A failed file-system call of the framework as a RuntimeError that keeps its errno.</summary>
    internal static RuntimeError FromIo(string? field, string what, Exception e)
    {
        int errno = ErrnoOf(e);
        return errno != 0 ? new RuntimeError(field, what, errno, e) : new RuntimeError(field, $"{what}: {e.Message}", 0, e);
    }

    /// <summary>The errno behind an exception, or 0 if it is not known. On Linux the framework puts the raw
    /// errno in an IOException's HResult, and wraps EACCES, EPERM and EBADF in an UnauthorizedAccessException
    /// around such an IOException.</summary>
    internal static int ErrnoOf(Exception e) => e switch
    {
        SyscallException s => s.Errno,
        RuntimeError r => r.Errno,
        FileNotFoundException or DirectoryNotFoundException => Interop.Errno.ENOENT,
        UnauthorizedAccessException { InnerException: { } inner } when ErrnoOf(inner) is > 0 and var n => n,
        UnauthorizedAccessException => Interop.Errno.EACCES,
        PathTooLongException => Interop.Errno.ENAMETOOLONG,
        IOException io when io.HResult is > 0 and < 4096 => io.HResult,
        _ => 0,
    };
}

// The messages below hold runc's words verbatim (libcontainer/error.go): engines tell these cases apart by
// substring (conformance/ShimContract.md lists who matches what). Our context follows the words, never splits them.

/// <summary>The container does not exist. containerd matches "does not exist"; podman "not exist".</summary>
internal sealed class ContainerNotFound(string id) : RuntimeError($"container does not exist: \"{id}\"");

/// <summary>The container's init is gone (or not yet started). containerd's shim and podman match "container not running".</summary>
internal sealed class ContainerNotRunning(string id, LifecycleStatus status)
    : RuntimeError($"container not running: {id} is {status.ToSpec()}");

/// <summary>`resume` of a container that is not paused (runc's ErrNotPaused).</summary>
internal sealed class ContainerNotPaused(string id, LifecycleStatus status)
    : RuntimeError($"container not paused: {id} is {status.ToSpec()}");
