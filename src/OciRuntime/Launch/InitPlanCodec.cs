using System.Buffers.Binary;
using System.Text;

namespace OciRuntime.Launch;

/// <summary>
/// The plan as fixed-order binary fields. Parent and init are the same binary, so there is no versioning to do;
/// what this saves is the JSON serializer's first use (building its metadata) on both sides of every create.
/// Strings and arrays carry a length, -1 for null; integers are little-endian.
/// </summary>
internal static class InitPlanCodec
{
    internal static byte[] Encode(InitPlan p)
    {
        var w = new Writer();
        w.Str(p.Id); w.Str(p.Bundle); w.Str(p.Rootfs); w.Str(p.CgroupPath);
        w.Bool(p.NoPivot); w.Bool(p.ParentHooks); w.Bool(p.UseInit); w.Bool(p.UnshareCgroupNamespace);
        w.Bool(p.Exec); w.Bool(p.Trace);
        w.I32(p.ConsoleSocketFd); w.I32(p.PreserveFds); w.I32(p.FifoFd); w.I32(p.LastCap);
        w.Bytes(p.SeccompProgram); w.I32((int)p.SeccompFlags);
        w.Ints(p.IdMapMountFds);
        return w.ToArray();
    }

    internal static InitPlan Decode(ReadOnlySpan<byte> data)
    {
        var r = new Reader(data);
        var plan = new InitPlan
        {
            Id = r.Str() ?? "", Bundle = r.Str() ?? "", Rootfs = r.Str() ?? "", CgroupPath = r.Str(),
            NoPivot = r.Bool(), ParentHooks = r.Bool(), UseInit = r.Bool(), UnshareCgroupNamespace = r.Bool(),
            Exec = r.Bool(), Trace = r.Bool(),
            ConsoleSocketFd = r.I32(), PreserveFds = r.I32(), FifoFd = r.I32(), LastCap = r.I32(),
            SeccompProgram = r.Bytes(), SeccompFlags = (uint)r.I32(),
            IdMapMountFds = r.Ints(),
        };
        if (!r.AtEnd) throw new RuntimeError("init plan: trailing bytes (parent and init disagree on the plan's layout)");
        return plan;
    }

    private sealed class Writer
    {
        private readonly MemoryStream _o = new();

        internal void I32(int v)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, v);
            _o.Write(b);
        }

        internal void Bool(bool v) => _o.WriteByte(v ? (byte)1 : (byte)0);

        internal void Str(string? s) => Bytes(s is null ? null : Encoding.UTF8.GetBytes(s));

        internal void Bytes(byte[]? b)
        {
            I32(b?.Length ?? -1);
            if (b is not null) _o.Write(b);
        }

        internal void Ints(int[]? a)
        {
            I32(a?.Length ?? -1);
            if (a is not null) foreach (int v in a) I32(v);
        }

        internal byte[] ToArray() => _o.ToArray();
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _d = data;

        internal readonly bool AtEnd => _d.IsEmpty;

        internal int I32()
        {
            if (_d.Length < 4) throw Truncated();
            int v = BinaryPrimitives.ReadInt32LittleEndian(_d);
            _d = _d[4..];
            return v;
        }

        internal bool Bool()
        {
            if (_d.IsEmpty) throw Truncated();
            bool v = _d[0] != 0;
            _d = _d[1..];
            return v;
        }

        internal string? Str()
        {
            var b = Span(out bool isNull);
            return isNull ? null : Encoding.UTF8.GetString(b);
        }

        internal byte[]? Bytes()
        {
            var b = Span(out bool isNull);
            return isNull ? null : b.ToArray();
        }

        internal int[]? Ints()
        {
            int n = I32();
            if (n < 0) return null;
            var a = new int[n];
            for (int i = 0; i < n; i++) a[i] = I32();
            return a;
        }

        private ReadOnlySpan<byte> Span(out bool isNull)
        {
            int n = I32();
            isNull = n < 0;
            if (isNull) return default;
            if (_d.Length < n) throw Truncated();
            var s = _d[..n];
            _d = _d[n..];
            return s;
        }

        private static RuntimeError Truncated() => new("init plan: truncated (parent and init disagree on the plan's layout)");
    }
}
