namespace OciRuntime.Interop;

internal static unsafe partial class Sys
{
    internal const ulong MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
        MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOSYMFOLLOW = 256, MS_NOATIME = 1024,
        MS_NODIRATIME = 2048, MS_BIND = 4096, MS_MOVE = 8192, MS_REC = 16384, MS_SILENT = 32768,
        MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19, MS_SHARED = 1 << 20,
        MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24, MS_LAZYTIME = 1 << 25;
    internal const ulong MS_I_VERSION = 1 << 23;
    internal const int MNT_DETACH = 2;

    internal static void Mount(string? source, string target, string? fsType, ulong flags, string? data)
    {
        long r;
        fixed (byte* s = source is null ? null : CString.Of(source))
        fixed (byte* t = CString.Of(target))
        fixed (byte* f = fsType is null ? null : CString.Of(fsType))
        fixed (byte* d = data is null ? null : CString.Of(data))
            r = Fast(Nr.mount, (long)s, (long)t, (long)f, (long)flags, (long)d);
        if (r < 0)
            throw new SyscallException($"mount {source ?? "none"} on {target} (type {fsType ?? "none"}, flags 0x{flags:x}{(string.IsNullOrEmpty(data) ? "" : ", data " + data)})", (int)-r);
    }

    internal static long TryUmount(string target, int flags)
    {
        fixed (byte* t = CString.Of(target)) return Fast(Nr.umount2, (long)t, flags);
    }

}
