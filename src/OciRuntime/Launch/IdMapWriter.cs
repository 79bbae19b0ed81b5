using System.Text;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>Writes a child's uid_map and gid_map from the parent (which holds the privileges to do so).</summary>
internal static class IdMapWriter
{
    internal static void Write(int pid, IReadOnlyList<LinuxIDMapping>? uids, IReadOnlyList<LinuxIDMapping>? gids, bool denySetgroups)
    {
        if (denySetgroups) WriteFile($"/proc/{pid}/setgroups", "deny", "linux.gidMappings");
        if (uids is { Count: > 0 }) WriteFile($"/proc/{pid}/uid_map", Format(uids), "linux.uidMappings");
        if (gids is { Count: > 0 }) WriteFile($"/proc/{pid}/gid_map", Format(gids), "linux.gidMappings");
    }

    internal static string Format(IReadOnlyList<LinuxIDMapping> maps)
    {
        var sb = new StringBuilder();
        foreach (var m in maps) sb.Append(m.ContainerID).Append(' ').Append(m.HostID).Append(' ').Append(m.Size).Append('\n');
        return sb.ToString();
    }

    private static void WriteFile(string path, string content, string field)
    {
        try
        {
            // The kernel takes a map in exactly one write().
            using var fs = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1, false);
            fs.Write(Encoding.ASCII.GetBytes(content));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuntimeError($"{field}: write {path} ({content.TrimEnd().Replace('\n', ',')}): {Cgroups.CgroupFs.CleanMessage(e)}");
        }
    }
}
