namespace OciRuntime.Interop;

/// <summary>x86_64 system call numbers (asm/unistd_64.h). The binary is built for linux-x64 only.</summary>
internal static class Nr
{
    internal const long read = 0, write = 1, open = 2, close = 3, fstat = 5, lseek = 8, ioctl = 16, pipe2 = 293,
        rt_sigprocmask = 14, getpid = 39, sendfile = 40, socketpair = 53, clone = 56, execve = 59, exit = 60,
        wait4 = 61, kill = 62, fcntl = 72, fsync = 74, chdir = 80, fchdir = 81, mkdir = 83, rmdir = 84, unlink = 87,
        symlink = 88, chmod = 90, fchmod = 91, chown = 92, fchown = 93, umask = 95, getrlimit = 97, getuid = 102, getegid = 108,
        setuid = 105, setgid = 106, geteuid = 107, setsid = 112, setgroups = 116, setresuid = 117, setresgid = 119,
        capget = 125, capset = 126, mknod = 133, personality = 135, pivot_root = 155, prctl = 157, chroot = 161,
        mount = 165, umount2 = 166, sethostname = 170, setdomainname = 171, gettid = 186, sched_setaffinity = 203,
        exit_group = 231, set_mempolicy = 238, waitid = 247, ioprio_set = 251, openat = 257, mkdirat = 258,
        mknodat = 259, fchownat = 260, unlinkat = 263, symlinkat = 266, readlinkat = 267, fchmodat = 268,
        unshare = 272, sendmsg = 46, recvmsg = 47, socket = 41, connect = 42, sendmmsg = 307,
        prlimit64 = 302, setns = 308, sched_setattr = 314, seccomp = 317, memfd_create = 319, execveat = 322,
        statx = 332, pidfd_send_signal = 424, open_tree = 428, move_mount = 429, fsopen = 430, fsconfig = 431,
        fsmount = 432, pidfd_open = 434, clone3 = 435, close_range = 436, openat2 = 437, mount_setattr = 442,
        flock = 73, ftruncate = 77, dup3 = 292, mkfifo_at = mknodat, setpriority = 141, sched_setscheduler = 144;
    internal const long getdents64 = 217, copy_file_range = 326, statfs = 137, fstatfs = 138, statmount = 457, listmount = 458;
    internal const long pread64 = 17, poll = 7, faccessat = 269, getcwd = 79, bpf = 321, signalfd4 = 289, rt_sigaction = 13,
        setpgid = 109, pause = 34;
    internal const long newfstatat = 262;
    internal const long writev = 20, sendto = 44, recvfrom = 45, clock_gettime = 228, inotify_add_watch = 254,
        eventfd2 = 290, inotify_init1 = 294;
}
