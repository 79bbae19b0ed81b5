using System.Text;

namespace OciRuntime.Interop;

/// <summary>NUL-terminated UTF-8 for system call arguments.</summary>
internal static class CString
{
    internal static byte[] Of(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    internal static unsafe string? Read(byte* p) => p == null ? null : Encoding.UTF8.GetString(new ReadOnlySpan<byte>(p, strlen(p)));

    private static unsafe int strlen(byte* p) { int n = 0; while (p[n] != 0) n++; return n; }
}
