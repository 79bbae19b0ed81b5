namespace OciRuntime.Cli;

/// <summary>Signal names as kill(1) and runc accept them: "TERM", "SIGTERM", "15", "0".</summary>
internal static class SignalNames
{
    private static readonly Dictionary<string, int> ByName = new()
    {
        ["HUP"] = 1, ["INT"] = 2, ["QUIT"] = 3, ["ILL"] = 4, ["TRAP"] = 5, ["ABRT"] = 6, ["IOT"] = 6, ["BUS"] = 7,
        ["FPE"] = 8, ["KILL"] = 9, ["USR1"] = 10, ["SEGV"] = 11, ["USR2"] = 12, ["PIPE"] = 13, ["ALRM"] = 14,
        ["TERM"] = 15, ["STKFLT"] = 16, ["CHLD"] = 17, ["CONT"] = 18, ["STOP"] = 19, ["TSTP"] = 20, ["TTIN"] = 21,
        ["TTOU"] = 22, ["URG"] = 23, ["XCPU"] = 24, ["XFSZ"] = 25, ["VTALRM"] = 26, ["PROF"] = 27, ["WINCH"] = 28,
        ["IO"] = 29, ["POLL"] = 29, ["PWR"] = 30, ["SYS"] = 31,
    };

    /// <summary>0 is kill(2)'s "is it alive": runc takes it (its own tests send it), and the answer is the exit
    /// code, "container not running" for a stopped container.</summary>
    internal static int Parse(string text)
    {
        if (int.TryParse(text, out int n))
        {
            if (n is >= 0 and <= 64) return n;
            throw new RuntimeError($"signal: {text} is out of range 0..64");
        }
        string name = text.ToUpperInvariant();
        if (name.StartsWith("SIG", StringComparison.Ordinal)) name = name[3..];
        if (ByName.TryGetValue(name, out n)) return n;
        if (name.StartsWith("RTMIN", StringComparison.Ordinal) || name.StartsWith("RTMAX", StringComparison.Ordinal))
        {
            int baseNo = name.StartsWith("RTMIN", StringComparison.Ordinal) ? 34 : 64;
            string off = name[5..];
            if (off.Length == 0) return baseNo;
            if (int.TryParse(off, out int k) && baseNo + k is >= 34 and <= 64) return baseNo + k;
        }
        throw new RuntimeError($"signal: unknown signal \"{text}\"");
    }
}
