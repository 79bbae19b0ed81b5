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

    /// <summary>A cpuset-style list ("0-3,5,7-8"), as used for cpus, mems, memory policy nodes and CPU affinity.</summary>
    public static bool IsIdList(string value)
    {
        if (value.Length == 0) return false;
        foreach (string part in value.Split(','))
        {
            string[] range = part.Split('-');
            if (range.Length > 2) return false;
            if (!uint.TryParse(range[0], System.Globalization.NumberStyles.None, null, out uint lo)) return false;
            if (range.Length == 2)
            {
                if (!uint.TryParse(range[1], System.Globalization.NumberStyles.None, null, out uint hi) || hi < lo)
                    return false;
            }
        }
        return true;
    }

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
