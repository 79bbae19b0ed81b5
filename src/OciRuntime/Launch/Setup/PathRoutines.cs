using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Zone routines for maskedPaths and readonlyPaths: the parts that depend on what the container's tree holds (is
/// the destination there, is it a directory, what is /dev/null). Everything is reached by descriptor from the
/// root fd, resolved with openat2 inside that root, and the mount lands on the descriptor that was resolved. /dev
/// needs no routine of its own: its directories are the mount family's Resolve.
/// Allocation-free (ForkSafe.cs rules): raw system calls, stack and scratch buffers, no managed objects.
/// </summary>
internal static unsafe class PathRoutines
{
    /// <summary>a0: root fd, a1: path. A read-only recursive clone of the destination moved back onto it; 0 when
    /// the destination does not exist. Detail: <see cref="ReadOnlyStep"/>.</summary>
    public const int ReadOnly = OpKind.PathFirst + 0;
    /// <summary>a0: root fd, a1: path, a2: the number of the slot that caches /dev/null's fd (-1 until the first
    /// file mask opens it). A directory gets an empty read-only tmpfs, anything else a bind of /dev/null, proven
    /// char 1:3 and reached without symlinks; 0 when the destination does not exist. Detail: <see cref="MaskStep"/>
    /// in the low 4 bits; for a wrong /dev/null also its type (bits 4-7: S_IFMT >> 12), major (8-19), minor (20-31).</summary>
    public const int Mask = OpKind.PathFirst + 1;

    /// <summary>Sub-steps of <see cref="ReadOnly"/>, reported as the detail.</summary>
    internal enum ReadOnlyStep { Open = 1, Clone, SetAttr, Move }

    /// <summary>Sub-steps of <see cref="Mask"/>, reported in the detail's low 4 bits.</summary>
    internal enum MaskStep { Open = 1, Stat, Tmpfs, NullOpen, NullStat, NullWrong, Bind }

    private const ulong InRoot = ZoneLib.InRoot, InRootNoSymlinks = ZoneLib.InRoot | Sys.RESOLVE_NO_SYMLINKS;

    internal static long Run(ZoneState* z, SetupOp* op, long* a) => op->Kind switch
    {
        ReadOnly => MakeReadOnly(z, a[0], (byte*)a[1]),
        Mask => MaskPath(z, a[0], (byte*)a[1], (int)a[2]),
        _ => -Errno.ENOSYS,
    };

    /// <summary>PathMasks.ReadOnly for one entry: the destination opened once, cloned with every mount under it,
    /// made read-only and moved back onto the same fd.</summary>
    private static long MakeReadOnly(ZoneState* z, long root, byte* path)
    {
        long dest = ZoneLib.Openat2(root, path, Sys.O_PATH, InRoot);
        if (dest == -Errno.ENOENT) return 0;
        if (dest < 0) { z->Detail = (int)ReadOnlyStep.Open; return dest; }
        byte empty = 0;
        long tree = Sys.Fast(Nr.open_tree, dest, (long)&empty, Sys.OPEN_TREE_CLONE | Sys.AT_RECURSIVE | Sys.AT_EMPTY_PATH | Sys.O_CLOEXEC);
        long r = tree;
        if (tree < 0) z->Detail = (int)ReadOnlyStep.Clone;
        else
        {
            r = Sys.TryMountSetattrFd(tree, recursive: true, Sys.MOUNT_ATTR_RDONLY, 0, 0, 0);
            if (r < 0) z->Detail = (int)ReadOnlyStep.SetAttr;
            else
            {
                r = MoveOnto(tree, dest);
                if (r < 0) z->Detail = (int)ReadOnlyStep.Move;
            }
            Sys.Fast(Nr.close, tree);
        }
        Sys.Fast(Nr.close, dest);
        return r < 0 ? r : 0;
    }

    /// <summary>PathMasks.Mask for one entry. The type of what the destination is in the container decides: a
    /// directory is covered by an empty read-only tmpfs, anything else by the null device.</summary>
    private static long MaskPath(ZoneState* z, long root, byte* path, int nullSlot)
    {
        long dest = ZoneLib.Openat2(root, path, Sys.O_PATH, InRoot);
        if (dest == -Errno.ENOENT) return 0;
        if (dest < 0) { z->Detail = (int)MaskStep.Open; return dest; }
        long r = ZoneLib.Inode(dest, out _, out int type);
        if (r < 0) z->Detail = (int)MaskStep.Stat;
        else if (type == (int)Sys.S_IFDIR)
        {
            r = EmptyReadOnlyTmpfsOnto(dest);
            if (r < 0) z->Detail = (int)MaskStep.Tmpfs;
        }
        else
        {
            long nul = nullSlot >= 0 && nullSlot < z->SlotCount ? z->Slots[nullSlot] : -Errno.EINVAL;
            if (nul < 0)
            {
                nul = OpenNull(z, root);
                if (nul >= 0 && nullSlot >= 0 && nullSlot < z->SlotCount) z->Slots[nullSlot] = nul;
            }
            r = nul;
            if (nul >= 0)
            {
                byte empty = 0;
                long tree = Sys.Fast(Nr.open_tree, nul, (long)&empty, Sys.OPEN_TREE_CLONE | Sys.AT_EMPTY_PATH | Sys.O_CLOEXEC);
                r = tree < 0 ? tree : MoveOnto(tree, dest);
                if (tree >= 0) Sys.Fast(Nr.close, tree);
                if (r < 0) z->Detail = (int)MaskStep.Bind;
            }
        }
        Sys.Fast(Nr.close, dest);
        return r < 0 ? r : 0;
    }

    /// <summary>The container's /dev/null, reached without any symlink and proven to be char 1:3: a mask made from
    /// a planted file, a symlink to a host file or another device would show that thing where a mask should be
    /// (CVE-2025-31133).</summary>
    private static long OpenNull(ZoneState* z, long root)
    {
        byte* name = stackalloc byte[9] { (byte)'d', (byte)'e', (byte)'v', (byte)'/', (byte)'n', (byte)'u', (byte)'l', (byte)'l', 0 };
        long fd = ZoneLib.Openat2(root, name, Sys.O_PATH, InRootNoSymlinks);
        if (fd < 0) { z->Detail = (int)MaskStep.NullOpen; return fd; }
        StatxBuffer sx;
        long r = Sys.TryStatx(fd, null, Sys.AT_SYMLINK_NOFOLLOW, Sys.STATX_TYPE, &sx);
        if (r < 0)
        {
            Sys.Fast(Nr.close, fd);
            z->Detail = (int)MaskStep.NullStat;
            return r;
        }
        uint type = sx.Type, major = sx.RdevMajor, minor = sx.RdevMinor;
        if (type == Sys.S_IFCHR && major == 1 && minor == 3) return fd;
        Sys.Fast(Nr.close, fd);
        z->Detail = (int)MaskStep.NullWrong | (int)((type >> 12) << 4) | (int)((major & 0xfff) << 8) | (int)((minor > 0xfff ? 0xfff : minor) << 20);
        return -Errno.ENXIO;
    }

    private static long EmptyReadOnlyTmpfsOnto(long dest)
    {
        byte* tmpfs = stackalloc byte[6] { (byte)'t', (byte)'m', (byte)'p', (byte)'f', (byte)'s', 0 };
        long ctx = Sys.Fast(Nr.fsopen, (long)tmpfs, Sys.FSOPEN_CLOEXEC);
        if (ctx < 0) return ctx;
        long r = Sys.Fast(Nr.fsconfig, ctx, Sys.FSCONFIG_CMD_CREATE, 0, 0, 0);
        if (r >= 0)
        {
            long mnt = Sys.Fast(Nr.fsmount, ctx, Sys.FSMOUNT_CLOEXEC, Sys.MOUNT_ATTR_RDONLY);
            r = mnt < 0 ? mnt : MoveOnto(mnt, dest);
            if (mnt >= 0) Sys.Fast(Nr.close, mnt);
        }
        Sys.Fast(Nr.close, ctx);
        return r;
    }

    private static long MoveOnto(long tree, long dest)
    {
        byte empty = 0;
        return Sys.Fast(Nr.move_mount, tree, (long)&empty, dest, (long)&empty, Sys.MOVE_MOUNT_F_EMPTY_PATH | Sys.MOVE_MOUNT_T_EMPTY_PATH);
    }
}
