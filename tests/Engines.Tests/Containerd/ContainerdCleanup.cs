using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Engines.Tests.Support;

namespace Engines.Tests.Containerd;

/// <summary>The last resort of the containerd fixture, for what an orderly `ctr task rm` did not remove.</summary>
internal static partial class ContainerdCleanup
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillSyscall(int pid, int sig);

    internal static void Kill(int pid, int sig) => KillSyscall(pid, sig);

    /// <summary>
    /// In every hierarchy: thaws, kills and removes /NAMESPACE/ID for our ids, then /NAMESPACE itself when it is empty
    /// (rmdir refuses a non-empty cgroup, so another user's containers there are safe).
    /// </summary>
    internal static void KillAndRemoveCgroups(string ns, IEnumerable<string> ids)
    {
        var hierarchies = Directory.EnumerateDirectories("/sys/fs/cgroup").Append("/sys/fs/cgroup").ToList();
        var cgroups = hierarchies.SelectMany(h => ids.Select(id => Path.Join(h, ns, id))).Where(Directory.Exists).ToList();
        // Thaw first, in the freezer hierarchy: a frozen task does not die of SIGKILL, whichever hierarchy we read it from.
        foreach (var cg in cgroups)
        {
            string freezer = Path.Join(cg, "freezer.state");
            if (File.Exists(freezer)) Try(() => File.WriteAllText(freezer, "THAWED"), cg);
        }
        foreach (var cg in cgroups)
        {
            Cmd.WaitFor(() =>
            {
                var procs = Procs(cg);
                foreach (int pid in procs) Kill(pid, 9);
                return procs.Count == 0 && Try(() => Directory.Delete(cg), null);
            }, 5_000);
            if (Directory.Exists(cg)) Console.Error.WriteLine($"containerd fixture: cannot remove cgroup {cg}");
        }
        foreach (var h in hierarchies)
        {
            string parent = Path.Join(h, ns);
            if (Directory.Exists(parent)) Try(() => Directory.Delete(parent), null);
        }
    }

    private static List<int> Procs(string cgroup)
    {
        try { return File.ReadAllLines(Path.Join(cgroup, "cgroup.procs")).Select(int.Parse).ToList(); }
        catch (IOException) { return []; }
    }

    /// <summary>Lazily unmounts everything mounted under <paramref name="dir"/>, deepest first (snapshots, rootfs).</summary>
    internal static void UnmountUnder(string dir)
    {
        var points = File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => l.Split(' ')[4].Replace("\\040", " "))
            .Where(p => p.StartsWith(dir + "/", StringComparison.Ordinal))
            .Distinct().OrderByDescending(p => p.Length);
        foreach (var p in points)
        {
            var r = Cmd.Run("umount", ["-l", p]);
            if (r.ExitCode != 0) Console.Error.WriteLine($"containerd fixture: umount -l {p}: {r}");
        }
    }

    /// <summary>
    /// containerd 1.6 puts shim sockets in /run/containerd/s whatever its state dir is, named by
    /// sha256(address/namespace/id); a shim killed by the fixture leaves its socket there.
    /// </summary>
    internal static void RemoveShimSockets(string address, string ns, IEnumerable<string> ids, bool removeEmptyDirs)
    {
        foreach (var id in ids)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{address}/{ns}/{id}")));
            Try(() => File.Delete(Path.Join(ShimSocketRoot, "s", hash)), null);
        }
        // Only directories our shims made, and only when empty (rmdir refuses otherwise): another containerd may use them.
        if (!removeEmptyDirs) return;
        Try(() => Directory.Delete(Path.Join(ShimSocketRoot, "s")), null);
        Try(() => Directory.Delete(ShimSocketRoot), null);
    }

    /// <summary>containerd 1.6's defaults.DefaultStateDir, where shim sockets go whatever the configured state dir.</summary>
    internal const string ShimSocketRoot = "/run/containerd";

    private static bool Try(Action a, string? what)
    {
        try { a(); return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (what is not null) Console.Error.WriteLine($"containerd fixture: {what}: {e.Message}");
            return false;
        }
    }
}
