using System.Text;

namespace OciRuntime.Interop;

/// <summary>NUL-terminated UTF-8 for system call arguments.</summary>
internal static class CString
{
    /// <summary>Room for the paths the hot callers pass (list opens three files per container).</summary>
    internal const int StackSize = 512;

    /// <summary><paramref name="s"/> as NUL-terminated UTF-8 in <paramref name="stack"/> when it fits, else on the heap.</summary>
    internal static ReadOnlySpan<byte> Into(string s, Span<byte> stack)
    {
        if (Encoding.UTF8.GetMaxByteCount(s.Length) >= stack.Length) return Of(s);
        int n = Encoding.UTF8.GetBytes(s, stack);
        stack[n] = 0;
        return stack[..(n + 1)];
    }

    internal static byte[] Of(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    internal static unsafe string? Read(byte* p) => p == null ? null : Encoding.UTF8.GetString(new ReadOnlySpan<byte>(p, strlen(p)));

    private static unsafe int strlen(byte* p) { int n = 0; while (p[n] != 0) n++; return n; }
}
