namespace GuestHost.Tests;

/// <summary>Boots the guest with systemd as pid 1 once and runs suite-systemd.sh there.</summary>
public sealed class SystemdGuest : IGuestBoot, IDisposable
{
    public static string Script => "suite-systemd.sh";

    // Runs by default (measured with 2 shared cores: guest ready at 6-20 s of uptime, boot + suite + power-off ~75 s
    // with runc and crun beside ocirun, of which podman's case ~12 s a runtime). OCIRUN_GUEST_SYSTEMD=0 leaves
    // it out, reported as skipped.
    public GuestSuite Suite { get; } = new("systemd", Script,
        Environment.GetEnvironmentVariable("OCIRUN_GUEST_SYSTEMD") == "0"
            ? "the systemd guest was left out (OCIRUN_GUEST_SYSTEMD=0)" : null);
    public void Dispose() { }
}

/// <summary>
/// --systemd-cgroup with systemd 252 as the guest's pid 1: the transient scope, its properties and files (and the
/// container's own cgroup2 view of them), DevicePolicy/DeviceAllow with a device tried from inside, exec, update, pause
/// and delete, a refusal, and podman on cgroup_manager=systemd driving the runtime; runc and crun side by side.
/// </summary>
public sealed class SystemdCgroupTests(SystemdGuest guest, Xunit.Abstractions.ITestOutputHelper output)
    : GuestSuiteTests<SystemdGuest>(guest, output);
