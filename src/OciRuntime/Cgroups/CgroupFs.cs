using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>Small file helpers for cgroupfs, with errors that name the field and the file.</summary>
internal static class CgroupFs
{
    /// <summary>One open and one write(2) of <paramref name="value"/>; returns 0 or the errno.</summary>
    internal static int TryWrite(string dir, string file, string value)
    {
        string path = System.IO.Path.Join(dir, file);
        long opened = Sys.TryOpenAt(Sys.AT_FDCWD, path, Sys.O_WRONLY | Sys.O_TRUNC);
        if (opened < 0) return (int)-opened;
        using var fd = new OwnedFd(opened);
        long n = Sys.TryWrite(fd.Fd, System.Text.Encoding.ASCII.GetBytes(value));
        return n < 0 ? (int)-n : 0;
    }

    internal static void Write(string dir, string file, string value, string? field = null)
    {
        int err = TryWrite(dir, file, value);
        if (err != 0) throw WriteError(dir, file, value, field, err);
    }

    internal static RuntimeError WriteError(string dir, string file, string value, string? field, int errno)
    {
        return new RuntimeError(field, $"write {value.Replace("\n", "\\n")} to {System.IO.Path.Join(dir, file)}", errno);
    }

    internal static string? TryRead(string dir, string file)
    {
        string path = System.IO.Path.Join(dir, file);
        // Three system calls for the usual few bytes (FileStream takes eight: fstat, flock, ...). cgroupfs hands
        // out whole lines, so a read that stops short of a full buffer by less than a line may not be the end:
        // such a file is read again the long way.
        Span<byte> buf = stackalloc byte[4096];
        long n = Sys.TryReadSmallFile(path, buf);
        if (n < 0) return null;
        if (n < buf.Length - 512) return System.Text.Encoding.UTF8.GetString(buf[..(int)n]);
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    internal static bool Has(string dir, string file) => File.Exists(System.IO.Path.Join(dir, file));

    internal static IEnumerable<int> ReadPids(string dir, string file = "cgroup.procs")
    {
        var text = TryRead(dir, file);
        if (text is null) yield break;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(line, out int pid)) yield return pid;
    }

    /// <summary>Removes a cgroup directory, retrying while the kernel still counts exiting tasks (up to ~10 s).</summary>
    internal static void RemoveDir(string dir, Action? whileBusy = null)
    {
        for (int attempt = 0; ; attempt++)
        {
            long r;
            unsafe
            {
                fixed (byte* p = CString.Of(dir)) r = Sys.Fast(Nr.rmdir, (long)p);
            }
            if (r == 0 || r == -Errno.ENOENT) return;
            if (r == -Errno.EBUSY && attempt < 400)
            {
                if (attempt % 20 == 19) whileBusy?.Invoke();
                Thread.Sleep(attempt < 20 ? 2 : 25);
                continue;
            }
            throw new RuntimeError(null, $"remove cgroup {dir}", (int)-r);
        }
    }

    internal static string CleanMessage(Exception e)
    {
        string m = e.Message;
        int i = m.IndexOf(" : '", StringComparison.Ordinal);
        return i > 0 ? m[..i] : m;
    }

    /// <summary>"key value" lines (memory.stat, cpu.stat, memory.events) as a map; unparsable lines are skipped.</summary>
    internal static Dictionary<string, ulong> ReadKeyed(string dir, string file)
    {
        var map = new Dictionary<string, ulong>();
        var text = TryRead(dir, file);
        if (text is null) return map;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 2 && ulong.TryParse(parts[1], out ulong v)) map[parts[0]] = v;
        }
        return map;
    }

    /// <summary>A single number; "max" reads as ulong.MaxValue; absent or unparsable as null.</summary>
    internal static ulong? ReadUlong(string dir, string file)
    {
        var t = TryRead(dir, file)?.Trim();
        if (t is null) return null;
        if (t == "max") return ulong.MaxValue;
        if (ulong.TryParse(t, out ulong v)) return v;
        if (long.TryParse(t, out long s) && s < 0) return ulong.MaxValue;
        return null;
    }
}

/// <summary>Removal of a container's cgroup including any child cgroups the container made (deepest first).</summary>
internal static class CgroupTree
{
    internal static void Remove(string dir, Action? whileBusy = null)
    {
        string[] subs;
        try { subs = Directory.GetDirectories(dir); }
        catch (DirectoryNotFoundException) { return; }
        foreach (var sub in subs) Remove(sub, whileBusy);
        CgroupFs.RemoveDir(dir, whileBusy);
    }

    /// <summary>True if <paramref name="dir"/> is on a cgroup2 filesystem (statfs f_type CGROUP2_SUPER_MAGIC).</summary>
    internal static unsafe bool IsCgroup2(string dir)
    {
        return OciRuntime.Interop.Sys.TryFsTypeOf(dir) == OciRuntime.Interop.Sys.CGROUP2_SUPER_MAGIC;
    }
}
