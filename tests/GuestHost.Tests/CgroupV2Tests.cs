namespace GuestHost.Tests;

/// <summary>Boots the v2-only guest once and runs suite-v2.sh there.</summary>
public sealed class CgroupV2Guest : IGuestBoot, IDisposable
{
    public static string Script => "suite-v2.sh";
    public GuestSuite Suite { get; } = new("v2", Script);
    public void Dispose() { }
}

/// <summary>
/// cgroup v2 with every controller, in a guest: each linux.resources kind written by ocirun and read back from inside
/// the container and from the cgroup files, runc and crun side by side.
/// </summary>
public sealed class CgroupV2Tests(CgroupV2Guest guest, Xunit.Abstractions.ITestOutputHelper output)
    : GuestSuiteTests<CgroupV2Guest>(guest, output);
