using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Engines.Tests.Support;

namespace Engines.Tests.Docker;

/// <summary>
/// Takes down what a test dockerd leaves when it stops, or when it dies: its containerd and shims (found by our
/// directory in their command line, never by name: other engines' containerd run beside us), the containers'
/// runtime state, the cgroups under our parent, the mounts under our directory, the directory itself, and
/// /run/docker and /run/containerd when we made them. Each step runs even when one before
/// failed; what could not be removed is thrown at the end, so a leak fails the run instead of passing unseen.
/// dockerd makes /run/docker/plugins whatever its exec root, and the shims put their sockets in /run/containerd/s.
/// </summary>
internal sealed partial class DockerResidue(string dir, string runtimeRoot, string cgroupParent)
{
    private const int SIGKILL = 9, SIGTERM = 15, MNT_DETACH = 2;
    private readonly List<string> _problems = [];

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    public void StopDaemon(Process dockerd)
    {
        if (dockerd.HasExited) return;
        // SIGTERM: dockerd stops its containerd (which stops the shims that have nothing left to run).
        kill(dockerd.Id, SIGTERM);
        if (dockerd.WaitForExit(20_000)) return;
        _problems.Add("dockerd ignored SIGTERM for 20 s; killed");
        dockerd.Kill();
        dockerd.WaitForExit();
    }

    /// <summary>containerd and shims whose command line names our directory.</summary>
    public void KillOurProcesses()
    {
        var ours = OurProcesses();
        foreach (var (pid, _) in ours) kill(pid, SIGKILL);
        if (!Cmd.WaitFor(() => OurProcesses().Count == 0, 10_000))
            _problems.Add($"processes survive SIGKILL: {string.Join("; ", OurProcesses().Select(p => $"{p.Pid} {p.CmdLine}"))}");
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

    private List<(int Pid, string CmdLine)> OurProcesses()
    {
        var found = new List<(int, string)>();
        foreach (var p in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(p), out int pid) || pid == Environment.ProcessId) continue;
            string cmdline;
            try { cmdline = File.ReadAllText(Path.Join(p, "cmdline")).Replace('\0', ' ').TrimEnd(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if (cmdline.Contains(dir + "/", StringComparison.Ordinal)) found.Add((pid, cmdline));
        }
        return found;
    }

    /// <summary>Containers whose shim died before deleting them: ocirun's state (runc's, should one be there).</summary>
    public void DeleteRuntimeState(string ocirun)
    {
        foreach (var c in DockerDaemon.ContainersUnder(runtimeRoot))
        {
            string id = Path.GetFileName(c);
            var r = Cmd.Run(ocirun, ["--root", runtimeRoot, "delete", "--force", id], 30_000);
            if (Directory.Exists(c)) r = Cmd.Run("/usr/sbin/runc", ["--root", runtimeRoot, "delete", "--force", id], 30_000);
            if (Directory.Exists(c)) _problems.Add($"container {id} left in {runtimeRoot}: {r}");
        }
    }

    /// <summary>Every cgroup under our parent, in every hierarchy (v1 controllers, name=systemd, the cgroup2).</summary>
    public void RemoveCgroups()
    {
        string rel = cgroupParent.TrimStart('/');
        // /sys/fs/cgroup itself too: on a unified (v2 only) host the parent sits right there.
        var tops = Directory.EnumerateDirectories("/sys/fs/cgroup").Prepend("/sys/fs/cgroup").Select(h => Path.Join(h, rel))
            .Where(Directory.Exists).ToList();
        // Deepest first, so each directory is empty of children when its turn comes.
        var all = tops.SelectMany(t => Directory.EnumerateDirectories(t, "*", SearchOption.AllDirectories).Append(t))
            .OrderByDescending(d => d.Count(ch => ch == '/')).ToList();
        foreach (var d in all)
        {
            if (File.Exists(Path.Join(d, "freezer.state"))) TryWrite(Path.Join(d, "freezer.state"), "THAWED");
            foreach (var pid in ReadPids(d)) kill(pid, SIGKILL);
        }
        foreach (var d in all)
            if (!Cmd.WaitFor(() => TryRmdir(d), 5_000))
                _problems.Add($"cgroup {d} stays: pids {string.Join(',', ReadPids(d))}");
    }

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

    /// <summary>dockerd's bind of its data root onto itself, netns and shm mounts: lazily, deepest first.</summary>
    public void Unmount()
    {
        for (int pass = 0; pass < 5; pass++)
        {
            var mounts = MountsUnderDir();
            if (mounts.Count == 0) return;
            foreach (var m in mounts.OrderByDescending(m => m.Length)) umount2(m, MNT_DETACH);
        }
        if (MountsUnderDir() is { Count: > 0 } left) _problems.Add($"mounts stay: {string.Join(", ", left)}");
    }

    private List<string> MountsUnderDir() =>
        File.ReadAllLines("/proc/self/mountinfo")
            .Select(l => Unescape(l.Split(' ')[4]))
            .Where(m => m == dir || m.StartsWith(dir + "/", StringComparison.Ordinal))
            .ToList();

    // mountinfo writes space, tab, newline and backslash as \ooo.
    private static string Unescape(string s) =>
        System.Text.RegularExpressions.Regex.Replace(s, @"\\([0-7]{3})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    public void RemoveDirs(bool runDockerExisted, bool runContainerdExisted)
    {
        // Never recurse into a mount: it could reach files that are not ours.
        if (MountsUnderDir().Count == 0)
        {
            try { Directory.Delete(dir, true); }
            catch (IOException e) { _problems.Add($"cannot remove {dir}: {e.Message}"); }
        }
        else _problems.Add($"{dir} kept: mounts remain under it");
        // Made by dockerd (plugins) and the shims (their sockets in /run/containerd/s) if they were not there:
        // removed when empty, so another engine's live files are never touched.
        var made = new List<string>();
        if (!runDockerExisted) made.AddRange(["/run/docker/plugins", "/run/docker"]);
        if (!runContainerdExisted) made.AddRange(["/run/containerd/s", "/run/containerd"]);
        foreach (var d in made)
        {
            try { if (Directory.Exists(d) && !Directory.EnumerateFileSystemEntries(d).Any()) Directory.Delete(d); }
            catch (IOException e) { _problems.Add($"cannot remove {d}: {e.Message}"); }
        }
    }

    /// <summary>Runs one step of the sweep; a failure is noted and the next step still runs.</summary>
    public void Step(string what, Action step)
    {
        try { step(); }
        catch (Exception e) { _problems.Add($"{what}: {e.GetType().Name}: {e.Message}"); }
    }

    public void ThrowIfAnyLeft()
    {
        if (_problems.Count > 0) throw new InvalidOperationException("docker test residue:\n" + string.Join('\n', _problems));
    }
}
