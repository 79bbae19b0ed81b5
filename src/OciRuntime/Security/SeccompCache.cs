using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using OciSpec;
using Seccomp;

namespace OciRuntime.Security;

/// <summary>
/// Compiled seccomp filters kept under <c>--root</c>, as crun does: Docker's default profile takes milliseconds to
/// compile and every container of an engine carries the same one. The file name is a hash of the key, but a hit
/// needs the whole key to match byte for byte, so a hash collision (even a crafted one) can only cost a compile,
/// never hand one container another's filter. The key names the binary (path, size, mtime) as well as the profile:
/// a rebuilt ocirun never reads a program its predecessor compiled. Any failure here is a miss, never an error.
/// </summary>
internal sealed class SeccompCache(string root)
{
    /// <summary>The directory's name under --root; a container id cannot take it (StateStore.ValidateId).</summary>
    internal const string DirName = ".seccomp-cache";

    private static ReadOnlySpan<byte> Magic => "ocirun-seccomp-cache-1\n"u8;

    private string Dir => Path.Join(root, DirName);

    internal CompiledFilter GetOrCompile(LinuxSeccomp profile, Func<CompiledFilter> compile)
    {
        byte[] key = Key(profile);
        string file = Path.Join(Dir, Fnv1a64(key).ToString("x16"));
        if (TryRead(file, key) is { } hit) return hit;
        var compiled = compile();
        TryWrite(file, key, compiled);
        return compiled;
    }

    internal static byte[] Key(LinuxSeccomp profile)
    {
        // The running file, not its path: create, run and exec run from a sealed image (/ocirun on a detached
        // overlay, or a memfd with the original's mtime), which has the size and mtime of the file it came from.
        var running = Interop.Sys.SizeAndMtime(Interop.Sys.AT_FDCWD, "/proc/self/exe", 0);
        string identity = running is { } f ? $"{RuntimeInfo.Version} {f.Size} {f.MtimeSec}.{f.MtimeNsec}\n" : $"{RuntimeInfo.Version}\n";
        byte[] json = OciJson.Serialize(new Spec { Linux = new Linux { Seccomp = profile } });
        var key = new byte[Encoding.UTF8.GetByteCount(identity) + json.Length];
        int n = Encoding.UTF8.GetBytes(identity, key);
        json.CopyTo(key, n);
        return key;
    }

    internal static ulong Fnv1a64(ReadOnlySpan<byte> data)
    {
        ulong h = 14695981039346656037UL;
        foreach (byte b in data) h = (h ^ b) * 1099511628211UL;
        return h;
    }

    // Layout: magic, key length (u32) and key, filter flags (u32), uses-notify (u8), instruction count (u32) and
    // the sock_filter array as the kernel takes it, skipped-syscall count (u32), each as length (u16) and UTF-8.
    internal static byte[] Encode(ReadOnlySpan<byte> key, CompiledFilter f)
    {
        var o = new MemoryStream();
        Span<byte> n = stackalloc byte[4];
        o.Write(Magic);
        WriteU32(o, n, (uint)key.Length);
        o.Write(key);
        WriteU32(o, n, f.FilterFlags);
        o.WriteByte(f.UsesNotify ? (byte)1 : (byte)0);
        WriteU32(o, n, (uint)f.Program.Length);
        o.Write(MemoryMarshal.AsBytes(f.Program.AsSpan()));
        WriteU32(o, n, (uint)f.SkippedSyscalls.Count);
        foreach (string s in f.SkippedSyscalls)
        {
            byte[] b = Encoding.UTF8.GetBytes(s);
            BinaryPrimitives.WriteUInt16LittleEndian(n, (ushort)b.Length);
            o.Write(n[..2]);
            o.Write(b);
        }
        return o.ToArray();
    }

    /// <summary>The filter, or null when the bytes are not a whole entry for exactly this key.</summary>
    internal static CompiledFilter? Decode(ReadOnlySpan<byte> d, ReadOnlySpan<byte> key)
    {
        if (!d.StartsWith(Magic)) return null;
        d = d[Magic.Length..];
        if (!TakeU32(ref d, out uint keyLen) || keyLen != key.Length || d.Length < key.Length || !d[..key.Length].SequenceEqual(key))
            return null;
        d = d[key.Length..];
        if (!TakeU32(ref d, out uint flags) || d.IsEmpty) return null;
        bool notify = d[0] == 1;
        d = d[1..];
        if (!TakeU32(ref d, out uint count) || count == 0 || count > 4096 || (ulong)d.Length < count * 8UL) return null;
        var program = MemoryMarshal.Cast<byte, SockFilter>(d[..(int)(count * 8)]).ToArray();
        d = d[(int)(count * 8)..];
        if (!TakeU32(ref d, out uint skippedCount) || skippedCount > 100_000) return null;
        var skipped = new List<string>((int)skippedCount);
        for (uint i = 0; i < skippedCount; i++)
        {
            if (d.Length < 2) return null;
            int len = BinaryPrimitives.ReadUInt16LittleEndian(d);
            if (d.Length < 2 + len) return null;
            skipped.Add(Encoding.UTF8.GetString(d.Slice(2, len)));
            d = d[(2 + len)..];
        }
        return d.IsEmpty ? new CompiledFilter(program, flags, skipped, notify) : null;
    }

    private static CompiledFilter? TryRead(string file, byte[] key)
    {
        try
        {
            return File.Exists(file) ? Decode(File.ReadAllBytes(file), key) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void TryWrite(string file, byte[] key, CompiledFilter f)
    {
        string tmp = $"{file}.{System.Environment.ProcessId}.tmp";
        try
        {
            // Only root's (or the rootless user's) own runtime reads these: 0700 directories, 0600 files.
            State.StateStore.MakeRoot(root);
            if (!Directory.Exists(Dir)) Directory.CreateDirectory(Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using (var fs = new FileStream(tmp, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew, Access = FileAccess.Write,
                       UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                   }))
                fs.Write(Encode(key, f));
            // Racing creates of the same profile write the same bytes; the rename makes either one whole.
            File.Move(tmp, file, true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(tmp); } catch (Exception) { }
        }
    }

    private static void WriteU32(Stream o, Span<byte> scratch, uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(scratch, v);
        o.Write(scratch[..4]);
    }

    private static bool TakeU32(ref ReadOnlySpan<byte> d, out uint v)
    {
        v = 0;
        if (d.Length < 4) return false;
        v = BinaryPrimitives.ReadUInt32LittleEndian(d);
        d = d[4..];
        return true;
    }
}
