using Xunit.Abstractions;

namespace GuestHost.Tests;

/// <summary>A test class's one boot of a guest profile running one suite script (its class fixture).</summary>
public interface IGuestBoot
{
    /// <summary>The suite script under tests/GuestHost, whose CASES= list becomes the theory data.</summary>
    static abstract string Script { get; }
    GuestSuite Suite { get; }
}

/// <summary>
/// The tests every guest suite gets: the guest booted and the suite completed, then each case for ocirun, runc and
/// crun. A suite's class only names its fixture; where runc or crun fail a case ocirun passes, their row is skipped
/// with their failure as the reason (a difference to know, not ours to fix).
/// </summary>
public abstract class GuestSuiteTests<TGuest>(TGuest guest, ITestOutputHelper output) : IClassFixture<TGuest>
    where TGuest : class, IGuestBoot
{
    public static TheoryData<string> Cases()
    {
        var d = new TheoryData<string>();
        foreach (var c in GuestSuite.CaseNames(TGuest.Script)) d.Add(c);
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
