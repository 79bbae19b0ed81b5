using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>A node's mount table can hold thousands of mounts, and each full read of /proc/self/mountinfo costs
/// ~2.4 µs a mount: the .NET runtime's own start must not read it (Native/no_cgroup_probe.c stubs its two cgroup
/// probes), so a command that needs no mount (here `--version`) opens it not at all.</summary>
public sealed class StartupMountTableTests
{
    [SkippableFact]
    public void The_runtimes_start_reads_no_mount_table()
    {
        string? strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists);
        Skip.If(strace is null, "strace is not installed: the opens of the runtime's start cannot be traced");
        string trace = Path.GetTempFileName();
        try
        {
            var r = RuntimeBinary.Run(["-f", "-qq", "-e", "trace=open,openat,openat2", "-o", trace, RuntimeBinary.Path, "--version"], binary: strace);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("spec: ", r.Stdout);
            var opens = File.ReadAllLines(trace);
            Assert.NotEmpty(opens); // the trace saw the process at all
            Assert.DoesNotContain(opens, l => l.Contains("/mountinfo", StringComparison.Ordinal) || l.Contains("/proc/self/cgroup", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(trace);
        }
    }
}
