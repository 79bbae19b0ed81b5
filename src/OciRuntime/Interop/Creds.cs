namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    // Raw set*id calls act on the calling thread only; ocirun always execs from that same thread.
    internal static void SetResGid(uint gid) => Check(Fast(Nr.setresgid, gid, gid, gid), $"setresgid {gid}");
    internal static void SetResUid(uint uid) => Check(Fast(Nr.setresuid, uid, uid, uid), $"setresuid {uid}");

    internal const uint LINUX_CAPABILITY_VERSION_3 = 0x20080522;

    internal static uint GetEuid() => (uint)Fast(Nr.geteuid);
}
