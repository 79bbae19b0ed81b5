namespace GuestHost.Tests;

/// <summary>Boots the guest with systemd as pid 1 once and runs suite-systemd.sh there.</summary>
public sealed class SystemdGuest : IGuestBoot, IDisposable
{
    public static string Script => "suite-systemd.sh";

    // Runs by default (measured with 2 shared cores: guest ready at 6-20 s of uptime, boot + suite + power-off ~75 s
    // with runc and crun beside ocirun, of which podman's case ~12 s a runtime). OCIRUN_GUEST_SYSTEMD=0 leaves
    // it out, reported as skipped.
    // The docker and containerd cases start their daemons (Go binaries read over 9p and run under emulation) once per
    // runtime: they are most of the suite's time, hence a longer limit than guest.sh's default. Measured on a busy
    // machine (load average 11-40): guest ready at 37 s, boot + suite + power-off 627 s, docker's case 51-83 s and
    // containerd's 23-28 s a runtime (podman's 29-74 s there).
    public GuestSuite Suite { get; } = new("systemd", Script,
        Environment.GetEnvironmentVariable("OCIRUN_GUEST_SYSTEMD") == "0"
            ? "the systemd guest was left out (OCIRUN_GUEST_SYSTEMD=0)" : null, timeoutSeconds: 2400);
    public void Dispose() { }
}

/// <summary>
/// --systemd-cgroup with systemd 252 as the guest's pid 1: the transient scope, its properties and files (and the
/// container's own cgroup2 view of them), DevicePolicy/DeviceAllow with a device tried from inside, exec, update, pause
/// and delete, a refusal, and the engines on their systemd defaults driving the runtime (podman with
/// cgroup_manager=systemd, docker with native.cgroupdriver=systemd, containerd's runc shim with SystemdCgroup = true);
/// runc and crun side by side.
/// </summary>
public sealed class SystemdCgroupTests(SystemdGuest guest, Xunit.Abstractions.ITestOutputHelper output)
    : GuestSuiteTests<SystemdGuest>(guest, output);
