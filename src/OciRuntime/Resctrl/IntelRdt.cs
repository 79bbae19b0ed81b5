using OciSpec;

namespace OciRuntime.Resctrl;

/// <summary>
/// <c>linux.intelRdt</c> (config-linux.md "IntelRdt") against the resctrl filesystem: the container's group is
/// <c>closID</c> (made, or joined when it exists) or, without one, a group named for the container; the schemata
/// lines are written to its <c>schemata</c> file (l3CacheSchema, memBwSchema, then each of <c>schemata</c>); the
/// process joins its <c>tasks</c>; <c>enableMonitoring</c> (and 1.2's enableCMT/enableMBM) adds a monitoring group
/// <c>mon_groups/&lt;id&gt;</c>. What was made is listed in the state directory (<see cref="MadeFile"/>) and removed
/// at delete; a group joined by closID stays. <paramref name="root"/> is the resctrl mount (injectable for tests).
/// </summary>
internal sealed class IntelRdt(string root, LinuxIntelRdt rdt, string containerId)
{
    /// <summary>Directories made for the container, one a line, deepest first: what delete removes.</summary>
    internal const string MadeFile = "resctrl.made";

    /// <summary>The resctrl mount point, or null when the host has none (as here: no /sys/fs/resctrl).</summary>
    internal static string? FindMount(string mountinfo = "/proc/self/mountinfo")
    {
        try
        {
            foreach (var line in File.ReadLines(mountinfo))
            {
                // "... mountpoint options [optional fields] - fstype source superoptions"
                int dash = line.IndexOf(" - ", StringComparison.Ordinal);
                if (dash < 0) continue;
                var after = line[(dash + 3)..].Split(' ');
                if (after.Length > 0 && after[0] == "resctrl") return line[..dash].Split(' ')[4].Replace("\\040", " ");
            }
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>Refuses a config that asks for Intel RDT on a host without resctrl, naming the first field set.</summary>
    internal static void Check(LinuxIntelRdt? rdt, string? mount)
    {
        if (rdt is null || mount is not null) return;
        string? field = rdt.L3CacheSchema is not null ? "l3CacheSchema"
            : rdt.MemBwSchema is not null ? "memBwSchema"
            : rdt.Schemata is { Count: > 0 } ? "schemata"
            : rdt.EnableMonitoring || rdt.EnableCMT || rdt.EnableMBM ? "enableMonitoring"
            : rdt.ClosID is not null ? "closID" : null;
        string at = field is null ? "linux.intelRdt" : "linux.intelRdt." + field;
        throw new RuntimeError($"{at}: is specified in config, but Intel RDT is not enabled on this host (no resctrl filesystem mounted)");
    }

    /// <summary>The lines for the schemata file, in the spec's order.</summary>
    internal static List<string> SchemataLines(LinuxIntelRdt rdt)
    {
        var lines = new List<string>();
        if (!string.IsNullOrEmpty(rdt.L3CacheSchema)) lines.AddRange(rdt.L3CacheSchema.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        if (!string.IsNullOrEmpty(rdt.MemBwSchema)) lines.Add(rdt.MemBwSchema);
        foreach (var l in rdt.Schemata ?? []) if (!string.IsNullOrEmpty(l)) lines.Add(l);
        return lines;
    }

    internal string GroupDir => string.IsNullOrEmpty(rdt.ClosID) || rdt.ClosID == "/" ? Path.Join(root, containerId) : Path.Join(root, rdt.ClosID);

    private bool _applied;

    private bool Monitoring => rdt.EnableMonitoring || rdt.EnableCMT || rdt.EnableMBM;

    /// <summary>Makes or joins the group, writes the schemata, moves <paramref name="pid"/> in; records what it made
    /// in <paramref name="stateDir"/> before making it, so a crash leaves nothing delete cannot find.</summary>
    internal void Apply(int pid, string stateDir)
    {
        // The child may be announced twice (before and at the handshake); it is placed once, its children inherit.
        if (_applied) return;
        _applied = true;
        // closID "/" is the default group, the resctrl root itself.
        string group = rdt.ClosID == "/" ? root : GroupDir;
        var lines = SchemataLines(rdt);
        var made = new List<string>();
        if (!Directory.Exists(group))
        {
            // A closID with no schemata names a group the administrator made: it must exist.
            if (!string.IsNullOrEmpty(rdt.ClosID) && lines.Count == 0)
                throw new RuntimeError($"linux.intelRdt.closID: no resctrl group {rdt.ClosID} in {root}");
            made.Add(group);
            Record(stateDir, made);
            Make(group, "linux.intelRdt");
        }
        foreach (var line in lines)
            Write(Path.Join(group, "schemata"), line + "\n", FieldOf(line));
        string tasksOf = group;
        if (Monitoring)
        {
            string mon = Path.Join(group, "mon_groups", containerId);
            made.Insert(0, mon);
            Record(stateDir, made);
            Make(mon, "linux.intelRdt.enableMonitoring");
            tasksOf = mon;
        }
        Write(Path.Join(tasksOf, "tasks"), pid.ToString(), "linux.intelRdt");
    }

    /// <summary>`exec`: a new process joins the container's group (its monitoring group with monitoring on), as
    /// runc's exec does; the group must still be there.</summary>
    internal void Join(int pid)
    {
        string group = rdt.ClosID == "/" ? root : GroupDir;
        string target = Monitoring ? Path.Join(group, "mon_groups", containerId) : group;
        if (!Directory.Exists(target)) throw new RuntimeError($"linux.intelRdt: the container's resctrl group {target} is gone");
        Write(Path.Join(target, "tasks"), pid.ToString(), "linux.intelRdt");
    }

    /// <summary>Removes what <see cref="Apply"/> made for the container in <paramref name="stateDir"/>'s list.</summary>
    internal static void Remove(string stateDir, Action<string>? rmdir = null)
    {
        string list = Path.Join(stateDir, MadeFile);
        if (!File.Exists(list)) return;
        foreach (var dir in File.ReadAllLines(list))
        {
            // resctrl removes a group (and its files) with rmdir alone; its tasks return to the parent group.
            try { (rmdir ?? (d => Directory.Delete(d)))(dir); }
            catch (DirectoryNotFoundException) { }
            catch (IOException e) { throw new RuntimeError($"linux.intelRdt: remove resctrl group {dir}: {e.Message}"); }
        }
        File.Delete(list);
    }

    private string FieldOf(string line)
    {
        if (line == rdt.L3CacheSchema) return "linux.intelRdt.l3CacheSchema";
        if (line == rdt.MemBwSchema) return "linux.intelRdt.memBwSchema";
        int i = rdt.Schemata?.IndexOf(line) ?? -1;
        return i >= 0 ? $"linux.intelRdt.schemata[{i}]" : "linux.intelRdt.l3CacheSchema";
    }

    private static void Record(string stateDir, List<string> made) =>
        State.StateStore.WriteAtomic(Path.Join(stateDir, MadeFile), System.Text.Encoding.UTF8.GetBytes(string.Join('\n', made) + "\n"));

    private static void Make(string dir, string field)
    {
        try { Directory.CreateDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeError($"{field}: make resctrl group {dir}: {e.Message}");
        }
    }

    private static void Write(string file, string text, string field)
    {
        try { File.AppendAllText(file, text); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeError($"{field}: write {text.TrimEnd()} to {file}: {e.Message}");
        }
    }
}
