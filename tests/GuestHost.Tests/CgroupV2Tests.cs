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
    public void GuestBootsAndTheSuiteCompletes() => GuestVerdict.Completed(guest.Suite, output);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Ocirun(string name) => Verdict("ocirun", name, differenceIsSkip: false);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Runc(string name) => Verdict("runc", name, differenceIsSkip: true);

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Crun(string name) => Verdict("crun", name, differenceIsSkip: true);

    private void Verdict(string runtime, string name, bool differenceIsSkip) =>
        GuestVerdict.Check(guest.Suite, output, runtime, name, differenceIsSkip);
}
