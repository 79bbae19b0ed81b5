namespace OciRuntime.State;

/// <summary>Reads the bits of /proc/[pid]/stat that tell whether a pid is still the process we started.</summary>
internal static class ProcStat
{
    /// <summary>Returns false if the process does not exist; otherwise its state letter and start time.</summary>
    internal static bool TryRead(int pid, out char state, out ulong startTime) => TryRead(pid, out state, out startTime, out _);

    /// <summary>The same, with the parent's pid (field 4).</summary>
    internal static bool TryRead(int pid, out char state, out ulong startTime, out int parent)
    {
        state = '?'; startTime = 0; parent = -1;
        if (pid <= 0) return false;
        Span<byte> buf = stackalloc byte[1024];
        // list probes every container: raw open/read/close, no FileStream, and the path made on the stack.
        Span<byte> path = stackalloc byte[32];
        "/proc/"u8.CopyTo(path);
        System.Buffers.Text.Utf8Formatter.TryFormat(pid, path[6..], out int digits);
        "/stat\0"u8.CopyTo(path[(6 + digits)..]);
        long n = Interop.Sys.TryReadSmallFile(path, buf);
        if (n < 0) return false;
        var text = buf[..(int)n];
        // The command name is in parentheses and may itself hold spaces and parentheses: parse after the last ')'.
        int close = text.LastIndexOf((byte)')');
        if (close < 0 || close + 2 >= text.Length) return false;
        var rest = text[(close + 2)..];
        state = (char)rest[0];
        if (rest.Length > 2 && rest[2..].IndexOf((byte)' ') is int sp and > 0)
            System.Buffers.Text.Utf8Parser.TryParse(rest.Slice(2, sp), out parent, out _);
        // rest starts at field 3 (state); start time is field 22.
        int field = 3;
        int i = 0;
        while (i < rest.Length && field < 22)
        {
            if (rest[i] == (byte)' ') field++;
            i++;
        }
        int end = rest[i..].IndexOf((byte)' ');
        var num = end < 0 ? rest[i..] : rest.Slice(i, end);
        return System.Buffers.Text.Utf8Parser.TryParse(num, out startTime, out int used) && used == num.Length;
    }

    /// <summary>True if <paramref name="pid"/> is alive, not a zombie, and started at <paramref name="startTime"/>.</summary>
    internal static bool IsSameLiveProcess(int pid, ulong startTime) =>
        TryRead(pid, out char st, out ulong t) && st != 'Z' && st != 'X' && t == startTime;
}
