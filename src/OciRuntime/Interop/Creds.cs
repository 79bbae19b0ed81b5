namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    // Raw set*id calls act on the calling thread only; ocirun always execs from that same thread.
    internal static void SetResGid(uint gid) => Check(Fast(Nr.setresgid, gid, gid, gid), $"setresgid {gid}");
    internal static void SetResUid(uint uid) => Check(Fast(Nr.setresuid, uid, uid, uid), $"setresuid {uid}");

    internal static void SetGroups(ReadOnlySpan<uint> gids)
    {
        fixed (uint* p = gids) Check(Fast(Nr.setgroups, gids.Length, (long)p), "setgroups");
    }

    internal const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    /// <summary>capset for the calling thread with 64-bit sets.</summary>
    internal static void Capset(ulong effective, ulong permitted, ulong inheritable)
    {
        uint* hdr = stackalloc uint[2];
        hdr[0] = LINUX_CAPABILITY_VERSION_3; hdr[1] = 0;
        uint* data = stackalloc uint[6];
        data[0] = (uint)effective; data[1] = (uint)permitted; data[2] = (uint)inheritable;
        data[3] = (uint)(effective >> 32); data[4] = (uint)(permitted >> 32); data[5] = (uint)(inheritable >> 32);
        Check(Fast(Nr.capset, (long)hdr, (long)data), "capset");
    }

    internal static uint GetEuid() => (uint)Fast(Nr.geteuid);
}
