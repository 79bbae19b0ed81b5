using System.Diagnostics;
using System.Text.RegularExpressions;

namespace GuestHost.Tests;

/// <summary>One line of a guest suite: "PASS rt/case (1.2s)", "FAIL rt/case: why", "SKIP rt/case: why".</summary>
public sealed record CaseResult(string Verdict, string Runtime, string Case, string Detail);

/// <summary>
/// One boot of the guest running one suite script (tests/GuestHost/suite-*.sh) for ocirun, runc and crun, and the
/// lines it printed. The guest is slow to start (software emulation), so a test class boots it once.
/// </summary>
public sealed partial class GuestSuite
{
    public string? Unavailable { get; }
    public IReadOnlyDictionary<(string Runtime, string Case), CaseResult> Results { get; } = new Dictionary<(string, string), CaseResult>();
    public string Summary { get; } = "";
    public string Transcript { get; } = "";
    public double BootSeconds { get; }
    public double WallSeconds { get; }

    public static string RepoRoot { get; } = FindRepo();

    public static string Ocirun { get; } =
        Environment.GetEnvironmentVariable("OCIRUN_UNDER_TEST") is { Length: > 0 } p ? p : Path.Join(RepoRoot, "out", "ocirun");

    /// <param name="disabledBecause">Set to report every case of this suite as skipped with that reason, without booting.</param>
    /// <param name="timeoutSeconds">How long the guest may run before guest.sh kills it, unless OCIRUN_GUEST_TIMEOUT says.</param>
    public GuestSuite(string profile, string suite, string? disabledBecause = null, int timeoutSeconds = 900)
    {
        Unavailable = disabledBecause ?? WhyUnavailable();
        if (Unavailable is not null) return;
        string results = Directory.CreateTempSubdirectory($"ocirun-test-guest-{profile}-").FullName;
        try
        {
            string script = Path.Join(RepoRoot, "tests", "GuestHost", suite);
            var psi = new ProcessStartInfo("bash")
            {
                ArgumentList = { Path.Join(RepoRoot, "tests", "GuestHost", "guest.sh"), "run", "--profile", profile, results,
                                 $"/bin/busybox sh {script} {Ocirun}" },
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            };
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OCIRUN_GUEST_TIMEOUT")))
                psi.Environment["OCIRUN_GUEST_TIMEOUT"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            var stdout = p.StandardOutput.ReadToEndAsync();
            p.WaitForExit();
            string outFile = Path.Join(results, "out");
            Transcript = (File.Exists(outFile) ? File.ReadAllText(outFile) : "") + "\n--- guest.sh:\n" + stdout.Result + stderr.Result;
            BootSeconds = ReadDouble(Path.Join(results, "boot"));
            WallSeconds = ReadDouble(Path.Join(results, "wall"));
            var map = new Dictionary<(string, string), CaseResult>();
            foreach (var line in Transcript.Split('\n'))
            {
                var m = LineRegex().Match(line);
                if (m.Success) map[(m.Groups[2].Value, m.Groups[3].Value)] = new(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value, m.Groups[4].Value.Trim());
                if (SummaryRegex().IsMatch(line)) Summary = line.Trim();
            }
            Results = map;
        }
        finally { Directory.Delete(results, true); }
    }

    /// <summary>The case names the suite declares (its CASES= list), for the test data.</summary>
    public static IEnumerable<string> CaseNames(string suite)
    {
        string text = File.ReadAllText(Path.Join(RepoRoot, "tests", "GuestHost", suite));
        var m = Regex.Match(text, "^CASES=\"([^\"]*)\"", RegexOptions.Multiline);
        return m.Groups[1].Value.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? WhyUnavailable()
    {
        if (Environment.UserName != "root") return "the guest suites need root (QEMU, apt-get for the kernel)";
        if (!File.Exists(Ocirun)) return $"no ocirun binary at {Ocirun} (./build.sh)";
        if (!File.Exists("/usr/bin/qemu-system-x86_64")) return "qemu-system-x86 is not installed (./build.sh test installs it)";
        return null;
    }

    private static double ReadDouble(string file) =>
        File.Exists(file) && double.TryParse(File.ReadAllText(file).Trim(), System.Globalization.CultureInfo.InvariantCulture, out double v) ? v : double.NaN;

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Join(d.FullName, "OciRuntime.sln"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (OciRuntime.sln)");
    }

    [GeneratedRegex(@"^(PASS|FAIL|SKIP) ([a-z]+)/([a-z0-9_]+)(.*)$")]
    private static partial Regex LineRegex();

    [GeneratedRegex(@"^\d+ passed, \d+ failed, \d+ skipped$")]
    private static partial Regex SummaryRegex();
}
