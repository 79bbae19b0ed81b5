using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>mount(2)'s flags and data string in the terms of the new mount API (fsconfig keys, MOUNT_ATTR_* bits).</summary>
internal static class FsData
{
    /// <summary>The data string as fsconfig parameters: "k=v" or a flag "k"; commas inside double quotes (an
    /// SELinux context) do not split, and the quotes are dropped as mount(8) drops them.</summary>
    internal static IEnumerable<(string Key, string? Value)> Split(string? data)
    {
        if (string.IsNullOrEmpty(data)) yield break;
        var current = new System.Text.StringBuilder();
        bool quoted = false;
        foreach (char c in data + ",")
        {
            if (c == '"') { quoted = !quoted; continue; }
            if (c == ',' && !quoted)
            {
                if (current.Length > 0)
                {
                    string o = current.ToString();
                    int eq = o.IndexOf('=');
                    yield return eq < 0 ? (o, null) : (o[..eq], o[(eq + 1)..]);
                }
                current.Clear();
                continue;
            }
            current.Append(c);
        }
    }

    /// <summary>The superblock flags among mount(2)'s, as fsconfig flag names.</summary>
    internal static IEnumerable<string> SuperblockFlags(ulong ms)
    {
        if ((ms & Sys.MS_RDONLY) != 0) yield return "ro";
        if ((ms & Sys.MS_SYNCHRONOUS) != 0) yield return "sync";
        if ((ms & Sys.MS_DIRSYNC) != 0) yield return "dirsync";
        if ((ms & Sys.MS_LAZYTIME) != 0) yield return "lazytime";
        if ((ms & Sys.MS_MANDLOCK) != 0) yield return "mand";
    }

    /// <summary>The per-mount flags among mount(2)'s as MOUNT_ATTR_* bits (relatime is 0, the default).</summary>
    internal static ulong MountAttributes(ulong ms)
    {
        ulong a = 0;
        if ((ms & Sys.MS_RDONLY) != 0) a |= Sys.MOUNT_ATTR_RDONLY;
        if ((ms & Sys.MS_NOSUID) != 0) a |= Sys.MOUNT_ATTR_NOSUID;
        if ((ms & Sys.MS_NODEV) != 0) a |= Sys.MOUNT_ATTR_NODEV;
        if ((ms & Sys.MS_NOEXEC) != 0) a |= Sys.MOUNT_ATTR_NOEXEC;
        if ((ms & Sys.MS_NOATIME) != 0) a |= Sys.MOUNT_ATTR_NOATIME;
        else if ((ms & Sys.MS_STRICTATIME) != 0) a |= Sys.MOUNT_ATTR_STRICTATIME;
        if ((ms & Sys.MS_NODIRATIME) != 0) a |= Sys.MOUNT_ATTR_NODIRATIME;
        if ((ms & Sys.MS_NOSYMFOLLOW) != 0) a |= Sys.MOUNT_ATTR_NOSYMFOLLOW;
        return a;
    }
}
