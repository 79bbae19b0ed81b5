using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// `exec --user name[:group]`: names are the container's, so they are looked up in its /etc/passwd and
/// /etc/group by init, which is already in the container's mount namespace. As runc does, a user's
/// supplementary groups are the groups of /etc/group that list it, and numbers are taken as they are.
/// </summary>
internal static class UserLookup
{
    internal static User Resolve(User user, string passwdPath = "/etc/passwd", string groupPath = "/etc/group")
    {
        if (string.IsNullOrEmpty(user.Username)) return user;
        var parts = user.Username.Split(':', 2);
        string name = parts[0];
        uint uid, gid;
        if (uint.TryParse(name, out uid))
        {
            gid = user.Gid;
            name = Lines(passwdPath).FirstOrDefault(f => f.Length > 2 && f[2] == parts[0])?[0] ?? "";
        }
        else
        {
            var entry = Lines(passwdPath).FirstOrDefault(f => f.Length > 3 && f[0] == name)
                ?? throw new RuntimeError($"--user: no user \"{name}\" in the container's {passwdPath}");
            uid = uint.Parse(entry[2]);
            gid = uint.Parse(entry[3]);
        }
        if (parts.Length == 2 && parts[1].Length > 0)
        {
            if (!uint.TryParse(parts[1], out gid))
            {
                var g = Lines(groupPath).FirstOrDefault(f => f.Length > 2 && f[0] == parts[1])
                    ?? throw new RuntimeError($"--user: no group \"{parts[1]}\" in the container's {groupPath}");
                gid = uint.Parse(g[2]);
            }
        }
        var extra = new List<uint>(user.AdditionalGids ?? []);
        if (name.Length > 0)
            foreach (var g in Lines(groupPath))
                if (g.Length > 3 && g[3].Split(',').Contains(name) && uint.TryParse(g[2], out uint sg) && !extra.Contains(sg))
                    extra.Add(sg);
        return user with { Uid = uid, Gid = gid, AdditionalGids = extra, Username = null };
    }

    private static IEnumerable<string[]> Lines(string path)
    {
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadLines(path))
            if (line.Length > 0 && line[0] != '#') yield return line.Split(':');
    }
}
