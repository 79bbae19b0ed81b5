namespace GuestHost.Tests;

/// <summary>Boots the guest with systemd as pid 1 on the hybrid hierarchy once and runs suite-systemd-hybrid.sh there.</summary>
public sealed class SystemdHybridGuest : IGuestBoot, IDisposable
{
    public static string Script => "suite-systemd-hybrid.sh";

    // Runs by default (measured with 2 shared cores: guest ready at 20 s of uptime, boot + suite + power-off ~330 s
    // with runc and crun beside ocirun). OCIRUN_GUEST_SYSTEMD=0 leaves it out with the v2 systemd profile, reported as
    // skipped.
    public GuestSuite Suite { get; } = new("systemd-hybrid", Script,
        Environment.GetEnvironmentVariable("OCIRUN_GUEST_SYSTEMD") == "0"
            ? "the systemd guests were left out (OCIRUN_GUEST_SYSTEMD=0)" : null);
    public void Dispose() { }
}

/// <summary>
/// --systemd-cgroup with systemd 252 as the guest's pid 1 on v1 controllers with cgroup2 beside them (this project's
/// CI host's layout): the scope with Delegate, the v1 properties (MemoryLimit, TasksMax, CPUShares, CPUQuota) and
/// files, the controllers systemd does not manage joined at the scope's path, the container's own view, exec, update,
/// pause through freezer.state, delete, and a refusal; runc and crun side by side.
/// </summary>
public sealed class SystemdHybridCgroupTests(SystemdHybridGuest guest, Xunit.Abstractions.ITestOutputHelper output)
    : GuestSuiteTests<SystemdHybridGuest>(guest, output);
