using System.Diagnostics;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// The racing attacker: a small C program (compiled here with clang) that swaps pairs of names of one directory with
/// renameat2(RENAME_EXCHANGE) in a tight loop, as a process sharing a volume with the container can. On SIGTERM it
/// stops with the names back where they started.
/// </summary>
internal sealed class Swapper : IDisposable
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <fcntl.h>
        #include <signal.h>
        #include <stdio.h>
        #include <sys/resource.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        static volatile sig_atomic_t stop;
        static void on_term(int s) { (void)s; stop = 1; }
        int main(int argc, char **argv) {
            if (argc < 4 || argc % 2) return 2;
            int dir = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
            if (dir < 0) { perror("open"); return 1; }
            signal(SIGTERM, on_term);
            /* Ahead of the runtime for the CPU: on a loaded host a starved swapper would prove nothing. */
            setpriority(PRIO_PROCESS, 0, -15);
            int pairs = (argc - 2) / 2;
            unsigned long swaps = 0, each[64] = {0};
            while (!stop)
                for (int i = 0; i < pairs && i < 64; i++)
                    if (syscall(SYS_renameat2, dir, argv[2 + 2 * i], dir, argv[3 + 2 * i], 2 /* RENAME_EXCHANGE */) == 0) { swaps++; each[i]++; }
            for (int i = 0; i < pairs && i < 64; i++)
                if (each[i] % 2) syscall(SYS_renameat2, dir, argv[2 + 2 * i], dir, argv[3 + 2 * i], 2);
            printf("%lu\n", swaps);
            return 0;
        }
        """;

    private readonly Process _p;

    public static string? Unavailable => File.Exists("/usr/bin/clang") ? null : "clang is not installed (the swapper is compiled by the test)";

    /// <summary>Compiles the swapper into <paramref name="workDir"/> (once per directory) and starts it on pairs
    /// of <paramref name="dir"/>'s entries, swapped in turn.</summary>
    public Swapper(string workDir, string dir, params (string A, string B)[] pairs)
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
        foreach (var (a, b) in pairs)
        {
            psi.ArgumentList.Add(a);
            psi.ArgumentList.Add(b);
        }
        _p = Process.Start(psi)!;
    }

    /// <summary>Stops the loop; returns how many swaps it made.</summary>
    public long Stop()
    {
        if (!_p.HasExited) Support.Exec.Capture("kill", "-TERM", _p.Id.ToString());
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
