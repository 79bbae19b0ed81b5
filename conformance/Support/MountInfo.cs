namespace Conformance.Support;

/// <summary>One line of /proc/self/mountinfo (proc(5)).</summary>
public sealed record MountInfo(string MountPoint, string[] MountOptions, string FsType, string Source, string[] SuperOptions)
{
    /// <summary>Parses mountinfo text; later lines (mounted on top) come last.</summary>
    public static List<MountInfo> Parse(string text)
    {
        var result = new List<MountInfo>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            int sep = Array.IndexOf(fields, "-");
            if (sep < 6 || fields.Length < sep + 3) continue;
            result.Add(new MountInfo(
                Unescape(fields[4]),
                fields[5].Split(','),
                fields[sep + 1],
                fields[sep + 2],
                fields.Length > sep + 3 ? fields[sep + 3].Split(',') : []));
        }
        return result;
    }

    /// <summary>The topmost mount at <paramref name="mountPoint"/>, the one a path lookup sees.</summary>
    public static MountInfo Find(string text, string mountPoint) =>
        Parse(text).LastOrDefault(m => m.MountPoint == mountPoint)
        ?? throw new Xunit.Sdk.XunitException($"{mountPoint} is not a mount point:\n{text}");

    // mountinfo escapes space, tab, newline and backslash as octal.
    static string Unescape(string s) =>
        s.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
