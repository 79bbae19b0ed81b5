using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>Makes the rootfs the container's "/" and detaches the host's root from the mount namespace.</summary>
internal static class PivotRoot
{
    internal static void Pivot(string rootfs) => AsRootPath(rootfs, PivotTo);

    private static void PivotTo(string rootfs)
    {
        int oldRoot = Sys.Open("/", Sys.O_DIRECTORY | Sys.O_RDONLY);
        int newRoot = Sys.Open(rootfs, Sys.O_DIRECTORY | Sys.O_RDONLY);
        try
        {
            Sys.Check(Sys.Fast(Nr.fchdir, newRoot), "chdir rootfs");
            // pivot_root(".", ".") stacks the old root on top of the new one; then unmount it from there.
            Sys.PivotRoot(".", ".");
            Sys.Check(Sys.Fast(Nr.fchdir, oldRoot), "chdir old root");
            Sys.Mount(null, ".", null, Sys.MS_SLAVE | Sys.MS_REC, null);
            Sys.Check(Sys.TryUmount(".", Sys.MNT_DETACH), "detach old root");
            Sys.Check(Sys.TryChdir("/"), "chdir /");
        }
        finally
        {
            Sys.Close(oldRoot);
            Sys.Close(newRoot);
        }
    }

    /// <summary>--no-pivot: move the rootfs over "/" and chroot (the old root stays reachable to root with
    /// CAP_SYS_CHROOT, which is why pivot_root is the default).</summary>
    internal static void MoveAndChroot(string rootfs) => AsRootPath(rootfs, MoveAndChrootTo);

    private static void MoveAndChrootTo(string rootfs)
    {
        Sys.Check(Sys.TryChdir(rootfs), "chdir rootfs");
        Sys.Mount(rootfs, "/", null, Sys.MS_MOVE, null);
        Sys.Check(Sys.TryChroot("."), "chroot");
        Sys.Check(Sys.TryChdir("/"), "chdir /");
    }

    /// <summary>No mount namespace: only a chroot is possible.</summary>
    internal static void Chroot(string rootfs) => AsRootPath(rootfs, ChrootTo);

    private static void ChrootTo(string rootfs)
    {
        Sys.Check(Sys.TryChdir(rootfs), "chdir rootfs");
        Sys.Check(Sys.TryChroot("."), "chroot");
        Sys.Check(Sys.TryChdir("/"), "chdir /");
    }

    /// <summary>A failure to make the rootfs the root is a problem of root.path: the error says so.</summary>
    private static void AsRootPath(string rootfs, Action<string> step)
    {
        try { step(rootfs); }
        catch (SyscallException e) { throw new RuntimeError($"root.path {rootfs}: {e.Message}"); }
    }
}
