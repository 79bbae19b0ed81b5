namespace OciRuntime.Tests.Support;

/// <summary>What a container may leave behind: state entries, cgroup directories, processes, mounts.</summary>
public static class Residue
{
    public static List<string> Find(string root, IReadOnlyList<string> ids, string testDir)
    {
        var found = new List<string>();
        if (Directory.Exists(root))
            // The compiled seccomp filters under --root are a cache shared by containers, not any one's state.
            found.AddRange(Directory.EnumerateFileSystemEntries(root).Where(e => Path.GetFileName(e) != ".seccomp-cache")
                .Select(e => "state entry " + e));
        foreach (var ctrl in Directory.EnumerateDirectories("/sys/fs/cgroup"))
            foreach (var id in ids)
                foreach (var path in new[] { Path.Join(ctrl, id), Path.Join(ctrl, "ocirun", id) })
                    if (Directory.Exists(path)) found.Add("cgroup " + path);
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
            if (line.Contains(testDir, StringComparison.Ordinal)) found.Add("mount " + line);
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out _)) continue;
            try
            {
                // A waiting container process (ocirun:setup) shows neither the id nor the directory on its command line, but it holds
                // the exec FIFO of the test's --root open.
                foreach (var fd in Directory.EnumerateFileSystemEntries(Path.Join(proc, "fd")))
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith(testDir, StringComparison.Ordinal))
                        found.Add($"process {Path.GetFileName(proc)} holds {target}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            try
            {
                string cmd = File.ReadAllText(Path.Join(proc, "cmdline")).Replace('\0', ' ');
                if (cmd.Contains(testDir, StringComparison.Ordinal) || ids.Any(id => cmd.Contains(id, StringComparison.Ordinal)))
                    found.Add($"process {Path.GetFileName(proc)}: {cmd}");
            }
            catch (IOException) { }
        }
        return found;
    }
}
