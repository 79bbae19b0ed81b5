using System.Runtime.InteropServices;

namespace OciRuntime.Interop;

/// <summary>
/// Unmanaged memory that a system call or the fork-safe zone reads after managed code built it: zeroed blocks,
/// NUL-terminated C strings and the NULL-terminated <c>char*</c> arrays of argv and envp. Building allocates (the
/// managed side does it before a clone or a spawn); reading it does not, which is why the zone can. Everything is
/// freed at once on <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private readonly List<nint> _blocks;

    /// <param name="blocks">The blocks expected (a create's setup program holds ~400): growing the list is managed
    /// garbage the zone, a copy-on-write clone of the CLI, would keep.</param>
    internal NativeArena(int blocks = 16) => _blocks = new(blocks);

    /// <summary>A zeroed block of <paramref name="size"/> bytes (at least one).</summary>
    internal void* Alloc(int size)
    {
        void* p = NativeMemory.AllocZeroed((nuint)Math.Max(1, size));
        _blocks.Add((nint)p);
        return p;
    }

    internal byte* Bytes(ReadOnlySpan<byte> bytes)
    {
        var p = (byte*)Alloc(bytes.Length);
        bytes.CopyTo(new Span<byte>(p, bytes.Length));
        return p;
    }

    /// <summary>Encoded straight into the block (no managed byte[] per string); the block is zeroed, so the NUL is there.</summary>
    internal byte* Str(string s)
    {
        int n = System.Text.Encoding.UTF8.GetByteCount(s);
        var p = (byte*)Alloc(n + 1);
        System.Text.Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        return p;
    }

    /// <summary>A NULL-terminated array of C strings (argv, envp), with room for <paramref name="spare"/> more
    /// entries that a later step may fill in (HOME, say); the slots after the last entry are NULL.</summary>
    internal byte** StrArray(IReadOnlyList<string> items, int spare = 0)
    {
        var arr = (byte**)Alloc((items.Count + 1 + spare) * sizeof(byte*));
        for (int i = 0; i < items.Count; i++) arr[i] = Str(items[i]);
        return arr;
    }

    public void Dispose()
    {
        foreach (var b in _blocks) NativeMemory.Free((void*)b);
        _blocks.Clear();
    }
}
