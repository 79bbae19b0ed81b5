using System.Text.Json.Nodes;
using Engines.Tests.Support;

namespace Engines.Tests.Podman;

/// <summary>
/// Leaves nothing behind, even after a failed test: containers, conmons and `podman container cleanup` exit commands,
/// ocirun state, mounts under our directory, our cgroups, the directory itself. Everything is found by our own
/// names (the directory, the cgroup parent), never by a process name, since other engines' tests run beside us.
/// </summary>
internal static class PodmanCleanup
{
    public static List<string> Run(PodmanClient podman)
    {
        var problems = new List<string>();
        var rm = podman.Run("rm", "--all", "--force", "--time", "0");
        if (rm.ExitCode != 0) problems.Add($"podman rm -af: {rm}");

        // conmon and the exit commands it starts name our directory in their arguments; they go away on their own
        // once their container is gone.
        if (!Cmd.WaitFor(() => ProcessesNaming(podman.Base).Count == 0, 15_000))
        {
            var stuck = ProcessesNaming(podman.Base);
            problems.Add("still running after podman rm -af: " + string.Join("; ", stuck.Select(p => $"{p} {CmdLine(p)}")));
            foreach (int pid in stuck) Kill(pid);
        }
        KillCgroupMembers(podman.CgroupParent);
        DeleteOcirunState(podman.Base, problems);

        foreach (string mount in MountsUnder(podman.Base).OrderByDescending(m => m.Length))
        {
            problems.Add($"left mounted: {mount}");
            Cmd.Run("umount", ["-l", mount]);
        }
        foreach (string dir in CgroupDirs(podman.CgroupParent).OrderByDescending(d => d.Length))
            try { Directory.Delete(dir); }
            catch (IOException e) { problems.Add($"cgroup {dir}: {e.Message}"); }
        try { Directory.Delete(podman.Base, true); }
        catch (IOException e) { problems.Add($"{podman.Base}: {e.Message}"); }
        return problems;
    }

    /// <summary>Containers ocirun still knows whose bundle is in our storage (its default root, as podman runs it
    /// without --root, like runc): a delete podman never got to make.</summary>
    private static void DeleteOcirunState(string baseDir, List<string> problems)
    {
        var list = Cmd.Run(Paths.Runtime, ["list", "--format", "json"]);
        if (list.ExitCode != 0 || list.Stdout.Trim() is "" or "null") return;
        foreach (var c in JsonNode.Parse(list.Stdout)!.AsArray())
        {
            string id = (string)c!["id"]!, bundle = (string?)c["bundle"] ?? "";
            if (!bundle.StartsWith(baseDir + "/", StringComparison.Ordinal)) continue;
            problems.Add($"ocirun still had container {id} ({(string?)c["status"]})");
            Cmd.Run(Paths.Runtime, ["delete", "--force", id]);
        }
    }

    public static List<int> ProcessesNaming(string text)
    {
        var found = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(d), out int pid) && pid != Environment.ProcessId && CmdLine(pid).Contains(text, StringComparison.Ordinal))
                found.Add(pid);
        return found;
    }

    private static string CmdLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    /// <summary>Whatever still runs in our cgroups (a container whose conmon died): thawed first, or SIGKILL waits.</summary>
    private static void KillCgroupMembers(string parent)
    {
        foreach (string state in CgroupDirs(parent).Where(d => d.StartsWith("/sys/fs/cgroup/freezer/", StringComparison.Ordinal)))
            try { File.WriteAllText(Path.Join(state, "freezer.state"), "THAWED"); } catch (IOException) { }
        foreach (string dir in CgroupDirs(parent))
        {
            string procs = Path.Join(dir, "cgroup.procs");
            if (!File.Exists(procs)) continue;
            foreach (var line in File.ReadAllLines(procs))
                if (int.TryParse(line, out int pid)) Kill(pid);
        }
        Cmd.WaitFor(() => CgroupDirs(parent).All(d => !File.Exists(Path.Join(d, "cgroup.procs")) || File.ReadAllText(Path.Join(d, "cgroup.procs")).Length == 0), 5_000);
    }

    private static void Kill(int pid)
    {
        try { System.Diagnostics.Process.GetProcessById(pid).Kill(); }
        catch (ArgumentException) { }
        catch (InvalidOperationException) { }
    }

    /// <summary>Our cgroup parent and everything below it, on every hierarchy (v1 controllers and the unified one).</summary>
    public static List<string> CgroupDirs(string parent)
    {
        var dirs = new List<string>();
        foreach (var hierarchy in Directory.EnumerateDirectories("/sys/fs/cgroup"))
        {
            if (new DirectoryInfo(hierarchy).LinkTarget is not null) continue; // cpu -> cpu,cpuacct: seen once
            string top = hierarchy + parent;
            if (!Directory.Exists(top)) continue;
            dirs.Add(top);
            dirs.AddRange(Directory.EnumerateDirectories(top, "*", SearchOption.AllDirectories));
        }
        return dirs;
    }

    public static List<string> MountsUnder(string dir) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')[4])
            .Where(m => m.StartsWith(dir + "/", StringComparison.Ordinal)).ToList();
}
