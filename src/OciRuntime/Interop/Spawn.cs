using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    // posix_spawn is safe in a multi-threaded process (glibc uses CLONE_VM|CLONE_VFORK) and, unlike
    // System.Diagnostics.Process, lets the caller choose argv[0] as hooks require.
    [LibraryImport("libc")] private static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_init(void* fa);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_destroy(void* fa);
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_adddup2(void* fa, int fd, int newFd);
    // glibc 2.34+: close_range in the child after the dup2s, whatever the parent holds or failed to mark cloexec.
    [LibraryImport("libc")] private static partial int posix_spawn_file_actions_addclosefrom_np(void* fa, int from);

    /// <summary>Starts <paramref name="path"/> with the given argv/envp and stdio descriptors and nothing else: every
    /// descriptor above 2 is closed in the child (a hook, newuidmap or criu gets no fd of ours or of our caller's).
    /// Returns its pid. <paramref name="inheritOthers"/>: the caller's descriptors that are not close-on-exec pass
    /// too (criu, which is handed the caller's fds by number, e.g. --status-fd).</summary>
    internal static int Spawn(string path, IReadOnlyList<string> argv, IReadOnlyList<string> envp, int stdin, int stdout, int stderr,
        bool inheritOthers = false)
    {
        using var arena = new NativeArena();
        void* fa = arena.Alloc(256); // posix_spawn_file_actions_t (80 bytes in glibc), with room to spare
        posix_spawn_file_actions_init(fa);
        posix_spawn_file_actions_adddup2(fa, stdin, 0);
        posix_spawn_file_actions_adddup2(fa, stdout, 1);
        posix_spawn_file_actions_adddup2(fa, stderr, 2);
        int closing = inheritOthers ? 0 : posix_spawn_file_actions_addclosefrom_np(fa, 3);
        if (closing != 0)
        {
            posix_spawn_file_actions_destroy(fa);
            throw new SyscallException($"start {path}: close descriptors", closing);
        }
        int pid = 0;
        int rc = posix_spawn(&pid, arena.Str(path), fa, null, arena.StrArray(argv), arena.StrArray(envp));
        posix_spawn_file_actions_destroy(fa);
        if (rc != 0) throw new SyscallException($"start {path}", rc);
        return pid;
    }

    internal static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        Check(Fast(Nr.pipe2, (long)fds, O_CLOEXEC), "pipe2");
        return (fds[0], fds[1]);
    }

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollFd { public int Fd; public short Events; public short Revents; }
    internal const short POLLIN = 1, POLLHUP = 0x10, POLLERR = 8;

    /// <summary>poll(2); returns the count of ready descriptors, 0 on timeout, or -errno.</summary>
    internal static long TryPoll(Span<PollFd> fds, int timeoutMs)
    {
        fixed (PollFd* p = fds) return Blocking(Nr.poll, (long)p, fds.Length, timeoutMs);
    }
}
