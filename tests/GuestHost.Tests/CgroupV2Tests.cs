using Xunit.Abstractions;

namespace GuestHost.Tests;

/// <summary>Boots the v2-only guest once and runs suite-v2.sh there.</summary>
public sealed class CgroupV2Guest() : IDisposable
{
    public GuestSuite Suite { get; } = new("v2", "suite-v2.sh");
    public void Dispose() { }
}

/// <summary>
/// cgroup v2 with every controller, in a guest: each linux.resources kind written by ocirun and read back from inside
/// the container and from the cgroup files. runc and crun run the same cases side by side; where they fail a case
/// ocirun passes, their row is skipped with their failure as the reason (a difference to know, not ours to fix).
/// </summary>
public sealed class CgroupV2Tests(CgroupV2Guest guest, ITestOutputHelper output) : IClassFixture<CgroupV2Guest>
{
    private const string Suite = "suite-v2.sh";

    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in GuestSuite.CaseNames(Suite)) d.Add(c);
        return d;
    }

    [SkippableFact]
    public void GuestBootsAndTheSuiteCompletes()
    {
        var s = guest.Suite;
        Skip.If(s.Unavailable is not null, s.Unavailable);
        output.WriteLine($"guest ready after {s.BootSeconds:0.0}s of guest uptime; boot, suite and power-off took {s.WallSeconds:0.0}s");
        output.WriteLine(s.Transcript);
        Assert.True(s.Summary.Length > 0, "the suite did not print its closing line:\n" + s.Transcript);
        Assert.DoesNotContain("FAIL residue", s.Transcript);
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Ocirun(string name) => Verdict("ocirun", name, differenceIsSkip: false);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Runc(string name) => Verdict("runc", name, differenceIsSkip: true);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Crun(string name) => Verdict("crun", name, differenceIsSkip: true);

    private void Verdict(string runtime, string name, bool differenceIsSkip)
    {
        var s = guest.Suite;
        Skip.If(s.Unavailable is not null, s.Unavailable);
        if (!s.Results.TryGetValue((runtime, name), out var r))
            Assert.Fail($"{runtime}/{name}: the guest printed no line for it:\n{s.Transcript}");
        output.WriteLine($"{r.Verdict} {runtime}/{name}{r.Detail}");
        Skip.If(r.Verdict == "SKIP", r.Detail.TrimStart(':', ' '));
        if (r.Verdict == "FAIL" && differenceIsSkip)
        {
            bool oursPasses = s.Results.TryGetValue(("ocirun", name), out var ours) && ours.Verdict == "PASS";
            Skip.If(oursPasses, $"{runtime} differs from ocirun here:{r.Detail.TrimStart(':')}");
        }
        Assert.True(r.Verdict == "PASS", $"{runtime}/{name}{r.Detail}");
    }
}
