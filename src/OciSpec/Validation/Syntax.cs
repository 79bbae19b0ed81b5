namespace OciSpec.Validation;

/// <summary>Small value-format checks shared by the rule files.</summary>
internal static class Syntax
{
    public static bool IsAbsolute(string? path) => path is not null && path.StartsWith('/');

    // Hand-written rather than [GeneratedRegex]: the regex engine would be the largest part of the ocirun binary,
    // which every container's init maps and pages in.

    /// <summary>SemVer 2.0.0 (semver.org's grammar): MAJOR.MINOR.PATCH[-pre.release][+build.meta].</summary>
    public static bool IsSemVer(string s)
    {
        int plus = s.IndexOf('+');
        string build = plus < 0 ? "" : s[(plus + 1)..];
        string main = plus < 0 ? s : s[..plus];
        if (plus >= 0 && !Identifiers(build, numericNoLeadingZero: false)) return false;
        int dash = main.IndexOf('-');
        string core = dash < 0 ? main : main[..dash];
        if (dash >= 0 && !Identifiers(main[(dash + 1)..], numericNoLeadingZero: true)) return false;
        var parts = core.Split('.');
        return parts.Length == 3 && parts.All(IsNumericIdentifier);
    }

    private static bool IsNumericIdentifier(string p) =>
        p.Length > 0 && p.All(char.IsAsciiDigit) && (p.Length == 1 || p[0] != '0');

    /// <summary>Dot-separated, non-empty [0-9A-Za-z-]+ identifiers; in a pre-release an all-digit one has no leading zero.</summary>
    private static bool Identifiers(string s, bool numericNoLeadingZero)
    {
        foreach (var id in s.Split('.'))
        {
            if (id.Length == 0 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
            if (numericNoLeadingZero && id.All(char.IsAsciiDigit) && !IsNumericIdentifier(id)) return false;
        }
        return true;
    }

    /// <summary>What a capability name looks like (CAP_[A-Z0-9_]+), so "chown" and "cap_chown" get a clearer message than "unknown".</summary>
    public static bool IsCapabilityShape(string s) =>
        s.Length > 4 && s.StartsWith("CAP_", StringComparison.Ordinal) && s.Skip(4).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');

    /// <summary>Hugepage sizes as the spec writes them: 64KB, 2MB, 1GB ([0-9]+[KMGTPE]?B).</summary>
    public static bool IsPageSize(string s)
    {
        if (s.Length < 2 || s[^1] != 'B') return false;
        string n = s[..^1];
        if (n.Length > 1 && "KMGTPE".Contains(n[^1])) n = n[..^1];
        return n.Length > 0 && n.All(char.IsAsciiDigit);
    }

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
