namespace OciRuntime.Cgroups;

/// <summary>Small file helpers for cgroupfs, with errors that name the file.</summary>
internal static class CgroupFs
{
    internal static void Write(string dir, string file, string value, string? field = null)
    {
        string path = System.IO.Path.Combine(dir, file);
        try
        {
            // cgroupfs wants one write() per value; no truncation, no buffering.
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, false);
            var bytes = System.Text.Encoding.ASCII.GetBytes(value);
            fs.Write(bytes, 0, bytes.Length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string what = field is null ? "" : field + ": ";
            throw new RuntimeError($"{what}write {value} to {path}: {CleanMessage(e)}");
        }
    }

    internal static string? TryRead(string dir, string file)
    {
        try { return File.ReadAllText(System.IO.Path.Combine(dir, file)); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    internal static IEnumerable<int> ReadPids(string dir, string file = "cgroup.procs")
    {
        var text = TryRead(dir, file);
        if (text is null) yield break;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line, out int pid)) yield return pid;
    }

    /// <summary>Removes a cgroup directory, retrying briefly while the kernel still counts exiting tasks.</summary>
    internal static void RemoveDir(string dir)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (DirectoryNotFoundException) { return; }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(attempt < 10 ? 2 : 20);
            }
            catch (IOException e)
            {
                throw new RuntimeError($"remove cgroup {dir}: {CleanMessage(e)}");
            }
        }
    }

    internal static string CleanMessage(Exception e)
    {
        string m = e.Message;
        int i = m.IndexOf(" : '", StringComparison.Ordinal);
        return i > 0 ? m[..i] : m;
    }
}
