using Xunit.Abstractions;

namespace GuestHost.Tests;

/// <summary>Boots the guest with systemd as pid 1 once and runs suite-systemd.sh there.</summary>
public sealed class SystemdGuest() : IDisposable
{
    // Opt-in until the stall is understood: about half of ocirun's D-Bus connections to systemd stall in the handshake
    // in this guest (a retry hides most, not all: a CI run failed on one), and runc and crun cannot reach systemd at
    // all there (the hand-started dbus-daemon is not connected to it). A gate that fails at random is no gate.
    public GuestSuite Suite { get; } = new("systemd", "suite-systemd.sh",
        Environment.GetEnvironmentVariable("OCIRUN_GUEST_SYSTEMD") == "1" ? null
            : "the systemd guest runs with OCIRUN_GUEST_SYSTEMD=1: ocirun's D-Bus handshake with systemd stalls intermittently there (issue #19)");
    public void Dispose() { }
}

/// <summary>
/// --systemd-cgroup with systemd 252 as the guest's pid 1: the transient scope, its properties and files, exec, update,
/// pause and delete, and a refusal; runc and crun side by side.
/// </summary>
public sealed class SystemdCgroupTests(SystemdGuest guest, ITestOutputHelper output) : IClassFixture<SystemdGuest>
{
    private const string Suite = "suite-systemd.sh";

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
