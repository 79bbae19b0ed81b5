using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

/// <summary>
/// The one door to the kernel. Everything goes through libc's <c>syscall()</c> so that no glibc wrapper
/// logic runs (glibc's set*id wrappers signal every thread it knows about, which deadlocks in a cloned child).
/// Results follow the kernel convention: a negative value is <c>-errno</c>.
/// </summary>
internal static unsafe partial class Sys
{
    [LibraryImport("libc", EntryPoint = "syscall")]
    [SuppressGCTransition]
    private static partial long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    // Blocking calls must let the GC run on other threads, so they take the normal transition
    // and capture errno through the marshaller.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall6Blocking(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

    [LibraryImport("libc", EntryPoint = "__errno_location")]
    [SuppressGCTransition]
    private static partial int* errno_location();

    /// <summary>A fast, non-blocking system call. Safe between clone and execve: no allocation, no transition.</summary>
    internal static long Fast(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        long r = syscall6(nr, a1, a2, a3, a4, a5, a6);
        return r == -1 ? -*errno_location() : r;
    }

    /// <summary>A system call that may block (read, wait, open of a FIFO). Never use it between clone and execve.</summary>
    internal static long Blocking(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0, long a6 = 0)
    {
        while (true)
        {
            long r = syscall6Blocking(nr, a1, a2, a3, a4, a5, a6);
            if (r != -1) return r;
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EINTR) return -e;
        }
    }

    /// <summary>Turns a kernel-style result into a value or a <see cref="SyscallException"/> naming the operation.</summary>
    internal static long Check(long result, string operation)
    {
        if (result < 0) throw new SyscallException(operation, (int)-result);
        return result;
    }

    internal static int CheckFd(long result, string operation) => (int)Check(result, operation);
}
