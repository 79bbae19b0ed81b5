using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OciRuntime.Interop;

/// <summary>What statmount(2) tells about one mount, the fields a reader of /proc/self/mountinfo would take from
/// its line. Strings the kernel did not report (flag absent from its answer) are null.</summary>
internal sealed record StatMountInfo(ulong Id, ulong ParentId, ulong SbMagic, uint DevMajor, uint DevMinor,
    string? Root, string? MountPoint, string? Options);

internal static unsafe partial class Sys
{
    internal const ulong STATMOUNT_SB_BASIC = 0x1, STATMOUNT_MNT_BASIC = 0x2, STATMOUNT_MNT_ROOT = 0x8,
        STATMOUNT_MNT_POINT = 0x10, STATMOUNT_MNT_OPTS = 0x80;
    internal const long CGROUP_SUPER_MAGIC = 0x27e0eb, TMPFS_MAGIC = 0x01021994; // CGROUP2_SUPER_MAGIC: ProcFs.cs

    /// <summary>statmount(2) of the mount with unique id <paramref name="uniqueMountId"/> (statx STATX_MNT_ID_UNIQUE),
    /// asking for SB_BASIC, MNT_BASIC and <paramref name="strings"/>; null when the kernel has no statmount (before
    /// 6.8) or did not answer SB_BASIC and MNT_BASIC. Allocates: CLI side only.</summary>
    internal static StatMountInfo? StatMount(ulong uniqueMountId, ulong strings)
    {
        ulong* req = stackalloc ulong[3];
        req[0] = 24; // struct mnt_id_req, version 0
        req[1] = uniqueMountId;
        req[2] = STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC | strings;
        // A v1 cgroup's options carry release_agent's path: grow on EOVERFLOW rather than guess its length.
        // One pooled buffer for every call of a command: create asks about a dozen mounts, and each fresh buffer would be
        // garbage that the container's process, a copy-on-write clone of the CLI, keeps.
        for (int size = 4096; size <= 1 << 20; size *= 4)
        {
            byte[] buf = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                long r;
                fixed (byte* b = buf) r = Fast(Nr.statmount, (long)req, (long)b, size, 0);
                if (r == -Errno.EOVERFLOW) continue;
                if (r < 0) return null;
                ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(buf.AsSpan(at));
                uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(buf.AsSpan(at));
                ulong mask = U64(8);
                if ((mask & (STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC)) != (STATMOUNT_SB_BASIC | STATMOUNT_MNT_BASIC)) return null;
                // struct statmount (linux/mount.h): strings are offsets into str[], which starts at byte 512.
                string? Str(ulong flag, int field) => (mask & flag) == 0 ? null : CStr(buf, size, 512 + (int)U32(field));
                return new StatMountInfo(U64(40), U64(48), U64(24), U32(16), U32(20),
                    Str(STATMOUNT_MNT_ROOT, 104), Str(STATMOUNT_MNT_POINT, 108), Str(STATMOUNT_MNT_OPTS, 4));
            }
            finally { ArrayPool<byte>.Shared.Return(buf); }
        }
        return null;
    }

    /// <summary>listmount(2) (Linux 6.8, 458 on every architecture, as statmount's 457): the unique ids of the mounts
    /// directly on <paramref name="parentId"/>, in mount order, into <paramref name="ids"/>; the count or -errno.
    /// A count equal to the span's length may mean more are left.</summary>
    internal static long TryListMounts(ulong parentId, Span<ulong> ids)
    {
        ulong* req = stackalloc ulong[3];
        req[0] = 24; // struct mnt_id_req, version 0
        req[1] = parentId;
        req[2] = 0; // list from the first
        fixed (ulong* p = ids) return Fast(Nr.listmount, (long)req, (long)p, ids.Length, 0);
    }

    private static string? CStr(byte[] buf, int length, int start)
    {
        if (start < 512 || start >= length) return null;
        int end = Array.IndexOf(buf, (byte)0, start, length - start);
        return end < 0 ? null : Encoding.UTF8.GetString(buf, start, end - start);
    }
}
