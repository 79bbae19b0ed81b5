using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Engines.Tests.Support;

/// <summary>
/// What an engine started by a test (dockerd, a CRI containerd) may leave on the host under its private directory
/// and cgroup parent, and how to take it down: the processes naming that directory in their command line (never
/// found by name: other engines run beside us) with their shims' sockets, the cgroups under the parent, the
/// mounts under the directory, and the directory itself. Problems are collected, each step runs even when one
/// before failed, and <see cref="ThrowIfAnyLeft"/> fails the run, so a leak is never passed unseen.
/// Shared by Engines.Tests (Docker) and Cri.Tests (linked from this folder).
/// </summary>
internal abstract partial class HostResidue(string dir, string engine)
{
    protected const int SIGKILL = 9, SIGTERM = 15, MNT_DETACH = 2;
    private readonly List<string> problems = [];

    protected string Dir => dir;

    protected IReadOnlyList<string> Problems => problems;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillSyscall(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    internal static void Kill(int pid, int sig) => KillSyscall(pid, sig);

    public void Note(string problem)
    {
        lock (problems) problems.Add(problem);
    }

    /// <summary>Runs one step of the sweep; a failure is noted and the next step still runs.</summary>
    public void Step(string what, Action step)
    {
        try { step(); }
        catch (Exception e) { Note($"{what}: {e.GetType().Name}: {e.Message}"); }
    }

    public void ThrowIfAnyLeft()
    {
        if (problems.Count > 0) throw new InvalidOperationException($"{engine} test residue:\n" + string.Join('\n', problems));
    }

    /// <summary>Every process but this one whose command line contains <paramref name="text"/>.</summary>
    protected static List<(int Pid, string CmdLine)> ProcessesNaming(string text)
    {
        var found = new List<(int, string)>();
        foreach (var p in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(p), out int pid) || pid == Environment.ProcessId) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Join(p, "cmdline")).Replace('\0', ' ').TrimEnd(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (cmdline.Contains(text, StringComparison.Ordinal)) found.Add((pid, cmdline));
        }
        return found;
    }

    /// <summary>The processes naming our directory (containerd, shims).</summary>
    protected List<(int Pid, string CmdLine)> OurProcesses() => ProcessesNaming(dir + "/");

    /// <summary>SIGKILL to every process naming our directory, then the sockets the killed shims leave.</summary>
    public void KillOurProcesses()
    {
        var ours = OurProcesses();
        foreach (var (pid, _) in ours) Kill(pid, SIGKILL);
        if (!Cmd.WaitFor(() => OurProcesses().Count == 0, 10_000))
            Note($"processes survive SIGKILL: {string.Join("; ", OurProcesses().Select(p => $"{p.Pid} {p.CmdLine}"))}");
        // A killed shim leaves its socket in containerd's fixed /run/containerd/s, named by a hash of
        // containerd's address, the namespace and the container id (containerd's shim.SocketAddress).
        foreach (var (_, cmdline) in ours)
        {
            var args = cmdline.Split(' ');
            string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            if (Arg("-id") is not { } id || Arg("-namespace") is not { } ns || Arg("-address") is not { } address) continue;
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.Join(address, ns, id))));
            File.Delete(Path.Join("/run/containerd/s", hash));
        }
    }

    /// <summary>Every cgroup under <paramref name="parent"/> in every hierarchy (v1 controllers, name=systemd, the
    /// cgroup2), deepest first and the parent last, so each is empty of children when its turn comes.</summary>
    protected static List<string> CgroupsUnder(string parent)
    {
        string rel = parent.TrimStart('/');
        // /sys/fs/cgroup itself too: on a unified (v2 only) host the parent sits right there.
        var tops = Directory.EnumerateDirectories("/sys/fs/cgroup").Prepend("/sys/fs/cgroup").Select(h => Path.Join(h, rel))
            .Where(Directory.Exists).ToList();
        return tops.SelectMany(t => Directory.EnumerateDirectories(t, "*", SearchOption.AllDirectories).Append(t))
            .OrderByDescending(d => d.Count(ch => ch == '/')).ToList();
    }

    /// <summary>Thaws, kills the members of and removes every cgroup under <paramref name="parent"/>.</summary>
    protected void RemoveCgroupsUnder(string parent)
    {
        var all = CgroupsUnder(parent);
        foreach (var d in all)
        {
            if (File.Exists(Path.Join(d, "freezer.state"))) TryWrite(Path.Join(d, "freezer.state"), "THAWED");
            foreach (var pid in ReadPids(d)) Kill(pid, SIGKILL);
        }
        foreach (var d in all)
            if (!Cmd.WaitFor(() => TryRmdir(d), 5_000))
                Note($"cgroup {d} stays: pids {string.Join(',', ReadPids(d))}");
    }

    /// <summary>Everything mounted under our directory: lazily, deepest first.</summary>
    public void Unmount()
    {
        for (int pass = 0; pass < 5; pass++)
        {
            var mounts = MountsUnderDir();
            if (mounts.Count == 0) return;
            foreach (var m in mounts.OrderByDescending(m => m.Length)) umount2(m, MNT_DETACH);
        }
        if (MountsUnderDir() is { Count: > 0 } left) Note($"mounts stay: {string.Join(", ", left)}");
    }

    protected List<string> MountsUnderDir() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => Unescape(l.Split(' ')[4]))
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal))
            .Distinct().ToList();

    /// <summary>Our directory (never recursing into a mount: it could reach files that are not ours), then the
    /// host directories the engine made because they were missing, each only when empty, so another engine's live
    /// files are never touched.</summary>
    protected void RemoveDirs(IEnumerable<string> madeByUs)
    {
        if (MountsUnderDir().Count == 0)
        {
            try { Directory.Delete(dir, true); }
            catch (IOException e) { Note($"cannot remove {dir}: {e.Message}"); }
        }
        else Note($"{dir} kept: mounts remain under it");
        foreach (var d in madeByUs)
        {
            try { if (Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()) Directory.Delete(d); }
            catch (IOException e) { Note($"cannot remove {d}: {e.Message}"); }
        }
    }

    // mountinfo writes space, tab, newline and backslash as \ooo.
    private static string Unescape(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    private static IEnumerable<int> ReadPids(string cgroup)
    {
        try { return File.ReadAllLines(Path.Join(cgroup, "cgroup.procs")).Select(int.Parse).ToList(); }
        catch (IOException) { return []; }
    }

    private static bool TryRmdir(string d)
    {
        try { Directory.Delete(d); return true; }
        catch (DirectoryNotFoundException) { return true; }
        catch (IOException) { return false; }
    }

    private static void TryWrite(string file, string value)
    {
        try { File.WriteAllText(file, value); } catch (IOException) { }
    }
}
