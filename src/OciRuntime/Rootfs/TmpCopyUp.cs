using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// The tmpcopyup extension: a tmpfs that starts with a copy of what the destination held. The O_PATH fd taken
/// before the mount still refers to the directory underneath, so it is the copy's source.
/// </summary>
internal static class TmpCopyUp
{
    internal static void Mount(RootfsDir root, string destination, int underFd, string source, ulong flags, string? data)
    {
        // Mounted writable first; a read-only one is remounted after the copy.
        Sys.Mount(source, RootfsDir.ProcFd(underFd), "tmpfs", flags & ~Sys.MS_RDONLY, data);
        MountSetup.OnMounted(root, destination, top =>
        {
            Copy(RootfsDir.ProcFd(underFd), top);
            // The top keeps tmpfs's owner, as with runc; its mode comes from the mount data (MountSetup).
            if ((flags & Sys.MS_RDONLY) != 0) Sys.Mount(null, top, null, Sys.MS_REMOUNT | flags, data);
        });
    }

    private static void Copy(string from, string to)
    {
        var dir = new DirectoryInfo(from);
        foreach (var e in dir.EnumerateFileSystemInfos())
        {
            string target = Path.Join(to, e.Name);
            if (e.LinkTarget is { } link) Sys.Check(Sys.Symlink(link, target), $"tmpcopyup symlink {e.Name}");
            else if (e is DirectoryInfo)
            {
                Directory.CreateDirectory(target);
                Copy(e.FullName, target);
            }
            else if (e is FileInfo) File.Copy(e.FullName, target);
            else continue; // device nodes, fifos and sockets are not copied (runc copies regular content only)
            Owner(e.FullName, target, e.LinkTarget is not null);
        }
    }

    private static void Owner(string from, string to, bool link)
    {
        if (!link) File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        var st = Sys.LStat(from);
        if (st.HasValue) Sys.LChown(to, st.Value.Uid, st.Value.Gid);
    }
}
