using System.Diagnostics;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// The racing attacker: a small C program (compiled here with clang) that swaps pairs of names of one directory with
/// renameat2(RENAME_EXCHANGE) in a tight loop, or once as soon as the first of a pair is opened (inotify), as a process
/// sharing a volume with the container can. On SIGTERM it stops with the names back where they started.
/// </summary>
internal sealed class Swapper : IDisposable
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <fcntl.h>
        #include <poll.h>
        #include <signal.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/inotify.h>
        #include <sys/resource.h>
        #include <sys/syscall.h>
        #include <time.h>
        #include <unistd.h>
        static volatile sig_atomic_t stop;
        static void on_term(int s) { (void)s; stop = 1; }
        static int dir, pairs;
        static char **names;
        static unsigned long swaps, each[64];
        static void swap_all(void) {
            for (int i = 0; i < pairs; i++)
                if (syscall(SYS_renameat2, dir, names[2 * i], dir, names[2 * i + 1], 2 /* RENAME_EXCHANGE */) == 0) { swaps++; each[i]++; }
        }
        static void restore(void) {
            for (int i = 0; i < pairs; i++)
                if (each[i] % 2 && syscall(SYS_renameat2, dir, names[2 * i], dir, names[2 * i + 1], 2) == 0) each[i]++;
        }
        /* swapper DIR loop|on-open A1 B1 [A2 B2 ...]: "loop" swaps without pause; "on-open" swaps a pair once
           when directory A is opened (inotify), as an attacker timing the runtime would. */
        int main(int argc, char **argv) {
            if (argc < 5 || argc % 2 == 0) return 2;
            dir = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (dir < 0) { perror("open"); return 1; }
            names = argv + 3;
            pairs = (argc - 3) / 2;
            if (pairs > 64) pairs = 64;
            signal(SIGTERM, on_term);
            /* Ahead of the runtime for the CPU: on a loaded host a starved swapper would prove nothing. */
            setpriority(PRIO_PROCESS, 0, -15);
            if (strcmp(argv[2], "on-open") == 0) {
                int in = inotify_init1(IN_CLOEXEC);
                if (in < 0) { perror("inotify"); return 1; }
                int wd[64];
                for (int i = 0; i < pairs; i++) {
                    char path[4096];
                    snprintf(path, sizeof path, "%s/%s", argv[1], names[2 * i]);
                    wd[i] = inotify_add_watch(in, path, IN_OPEN);
                    if (wd[i] < 0) { perror(path); return 1; }
                }
                char buf[4096] __attribute__((aligned(8)));
                while (!stop) {
                    struct pollfd p = { in, POLLIN, 0 };
                    /* Quiet for 100 ms: the runtime is done with the tree; put it back for the next round. */
                    if (poll(&p, 1, 100) <= 0) { restore(); continue; }
                    ssize_t n = read(in, buf, sizeof buf);
                    for (char *e = buf; n > 0 && e < buf + n; e += sizeof(struct inotify_event) + ((struct inotify_event *)e)->len)
                        for (int i = 0; i < pairs; i++)
                            /* The runtime just opened the directory A: swap A for the symlink, once, so that what
                               it does next by path inside A lands in the symlink's target. */
                            if (((struct inotify_event *)e)->wd == wd[i] && each[i] % 2 == 0 &&
                                syscall(SYS_renameat2, dir, names[2 * i], dir, names[2 * i + 1], 2) == 0) { swaps++; each[i]++; }
                }
            } else {
                while (!stop) swap_all();
            }
            restore();
            printf("%lu\n", swaps);
            return 0;
        }
        """;

    private readonly Process _p;

    public static string? Unavailable => File.Exists("/usr/bin/clang") ? null : "clang is not installed (the swapper is compiled by the test)";

    /// <summary>Compiles the swapper into <paramref name="workDir"/> (once per directory) and starts it on pairs
    /// of <paramref name="dir"/>'s entries, swapped in turn.</summary>
    public Swapper(string workDir, string dir, bool onOpen, params (string A, string B)[] pairs)
    {
        string bin = Path.Join(workDir, "swapper");
        if (!File.Exists(bin))
        {
            string c = Path.Join(workDir, "swapper.c");
            File.WriteAllText(c, Source);
            Support.Exec.Capture("/usr/bin/clang", "-O2", "-o", bin, c);
        }
        var psi = new ProcessStartInfo(bin) { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add(dir);
        psi.ArgumentList.Add(onOpen ? "on-open" : "loop");
        foreach (var (a, b) in pairs)
        {
            psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(b);
        }
        _p = Process.Start(psi)!;
        Thread.Sleep(200); // its inotify watches in place before the first round
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>Holds the swapper still (SIGSTOP) between the moments that matter, so it does not slow the rest.</summary>
    public void Pause() => Kill(_p.Id, 19);

    public void Resume() => Kill(_p.Id, 18);

    /// <summary>Stops the loop; returns how many swaps it made.</summary>
    public long Stop()
    {
        if (!_p.HasExited)
        {
            Resume();
            Support.Exec.Capture("kill", "-TERM", _p.Id.ToString());
        }
        string output = _p.StandardOutput.ReadToEnd();
        _p.WaitForExit();
        return long.TryParse(output.Trim(), out long n) ? n : -1;
    }

    public void Dispose()
    {
        if (!_p.HasExited) Stop();
        _p.Dispose();
    }
}
