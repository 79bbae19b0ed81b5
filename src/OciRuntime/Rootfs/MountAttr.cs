using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>Recursive mount attributes (rro, rnosuid, ...) through mount_setattr(2).</summary>
internal static unsafe class MountAttr
{
    private const uint AT_RECURSIVE = 0x8000;

    internal static void Set(RootfsDir root, string destination, ulong set, ulong clear)
    {
        int fd = (int)Sys.Check(root.Open(destination), $"open {destination}");
        try
        {
            ulong* attr = stackalloc ulong[4];
            attr[0] = set; attr[1] = clear; attr[2] = 0; attr[3] = 0;
            byte empty = 0;
            long r = Sys.Fast(Nr.mount_setattr, fd, (long)&empty, Sys.AT_EMPTY_PATH | AT_RECURSIVE, (long)attr, 32);
            Sys.Check(r, $"mount_setattr {destination}");
        }
        finally { Sys.Close(fd); }
    }
}
