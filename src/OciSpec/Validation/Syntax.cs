using System.Text.RegularExpressions;

namespace OciSpec.Validation;

/// <summary>Small value-format checks shared by the rule files.</summary>
internal static partial class Syntax
{
    public static bool IsAbsolute(string? path) => path is not null && path.StartsWith('/');

    /// <summary>SemVer 2.0.0, from semver.org's recommended expression.</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    public static partial Regex SemVer();

    /// <summary>What a capability name looks like, so "chown" and "cap_chown" get a clearer message than "unknown".</summary>
    [GeneratedRegex(@"^CAP_[A-Z0-9_]+$", RegexOptions.CultureInvariant)]
    public static partial Regex CapabilityShape();

    /// <summary>Hugepage sizes as the spec writes them: 64KB, 2MB, 1GB.</summary>
    [GeneratedRegex(@"^[0-9]+[KMGTPE]?B$", RegexOptions.CultureInvariant)]
    public static partial Regex PageSize();

    /// <summary>An environment entry: NAME=value with a non-empty name and no NUL anywhere (execve cannot carry one).</summary>
    public static string? EnvProblem(string? entry)
    {
        if (entry is null) return "must be a string, got null";
        int eq = entry.IndexOf('=');
        if (eq < 0) return $"must be KEY=VALUE, got {SpecPath.Q(entry)}";
        if (eq == 0) return $"variable name must not be empty, got {SpecPath.Q(entry)}";
        if (entry.Contains('\0')) return "must not contain a NUL byte";
        return null;
    }

    /// <summary>A cpuset-style list ("0-3,5,7-8"), as used for cpus, mems, memory policy nodes and CPU affinity.
    /// Accepts what the kernel's bitmap_parselist accepts so valid values are never refused: ranges with a
    /// "used/group" stride ("0-15:2/4"), "N" for the last id, and "all".</summary>
    public static bool IsIdList(string value)
    {
        if (value.Length == 0) return false;
        foreach (string part in value.Split(','))
        {
            if (part == "all") continue;
            string range = part, stride = "";
            int colon = part.IndexOf(':');
            if (colon >= 0)
            {
                range = part[..colon];
                stride = part[(colon + 1)..];
            }
            string[] ends = range.Split('-');
            if (ends.Length > 2 || !IsId(ends[0]) || (ends.Length == 2 && !IsId(ends[1]))) return false;
            if (ends.Length == 2 && ends[0] != "N" && ends[1] != "N" && uint.Parse(ends[1]) < uint.Parse(ends[0])) return false;
            if (colon >= 0)
            {
                string[] sg = stride.Split('/');
                if (ends.Length != 2 || sg.Length != 2 || !IsNumber(sg[0]) || !IsNumber(sg[1])) return false;
            }
        }
        return true;
    }

    private static bool IsId(string s) => s == "N" || IsNumber(s);

    private static bool IsNumber(string s) => uint.TryParse(s, System.Globalization.NumberStyles.None, null, out _);

    /// <summary>Linux network interface names (kernel dev_valid_name): 1-15 bytes, not "." or "..", no '/', ':' or whitespace.</summary>
    public static bool IsNetDeviceName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 15 || name is "." or "..") return false;
        foreach (char c in name)
        {
            if (c is '/' or ':' || char.IsWhiteSpace(c) || c > 0x7e || c < 0x21) return false;
        }
        return true;
    }
}
