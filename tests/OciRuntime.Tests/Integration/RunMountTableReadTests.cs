using OciRuntime.Cgroups;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// `run` must not read the host's mount table beyond what the .NET runtime's own start reads (its GC and CPU-limit
/// cgroup probes open /proc/self/mountinfo twice in every process, with no setting to skip them): each extra read
/// costs ~2 µs per host mount. The baseline is `list`, a command that touches no cgroup.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunMountTableReadTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private int MountinfoOpens(params string[] args)
    {
        string log = Path.Join(Path.GetTempPath(), "ocirun-test-strace-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var r = RuntimeBinary.Run(["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log, RuntimeBinary.Path, "--root", _s.Root, .. args],
                binary: "/usr/bin/strace");
            Assert.True(r.ExitCode == 0, r.ToString());
            return File.ReadLines(log).Count(l => l.Contains("/mountinfo\"", StringComparison.Ordinal));
        }
        finally { File.Delete(log); }
    }

    [SkippableFact]
    public void Run_reads_the_mount_table_no_more_than_the_runtime_start_does()
    {
        Skip.IfNot(File.Exists("/usr/bin/strace"), "strace is not installed");
        Skip.If(CgroupLayoutFromSysFs.TryDetect() is null, "no statmount/listmount (Linux 6.11+) on this host: the layout comes from the table");
        var b = _s.NewBundle("/bin/true");
        b.Save();
        int baseline = MountinfoOpens("list");
        int run = MountinfoOpens("run", "--bundle", b.Dir, _s.NewId());
        Assert.Equal(baseline, run);
    }
}
