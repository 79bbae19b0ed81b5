using OciRuntime.Interop;
using OciRuntime.Security;

namespace OciRuntime.Tests.Unit;

/// <summary>The rules of <see cref="ProcHandle"/>, on this process's own procfs: no symlink, no way out, no
/// other filesystem, and "self" naming this process.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ProcHandleTests
{
    [Fact]
    public void Self_is_this_process_and_files_beneath_open()
    {
        using var proc = ProcHandle.Open();
        Assert.Contains($"Pid:\t{Environment.ProcessId}\n", proc.Read("self/status"));
        Assert.Contains($"Tgid:\t{Environment.ProcessId}\n", proc.Read("thread-self/status")); // Pid: is the thread's id
        Assert.True(proc.Exists("sys/kernel/ostype"));
    }

    [Fact]
    public void Symlinks_and_escapes_are_refused()
    {
        using var proc = ProcHandle.Open();
        Assert.Equal(-Errno.ELOOP, Opened(proc, "self/exe"));       // a magic link
        Assert.Equal(-Errno.ELOOP, Opened(proc, "mounts"));         // a plain symlink (to self/mounts)
        Assert.True(Opened(proc, "../etc/passwd") < 0);              // out of the root
        Assert.True(Opened(proc, "self/cwd/etc/passwd") < 0);        // through a magic link
    }

    [Fact]
    public void A_write_through_a_symlink_fails_naming_the_field()
    {
        using var proc = ProcHandle.Open();
        var e = Assert.Throws<RuntimeError>(() => proc.Write("self/root/tmp/x", "1", "linux.sysctl[\"x\"]"));
        Assert.StartsWith("linux.sysctl[\"x\"]: write 1 to /proc/self/root/tmp/x:", e.Message);
    }

    [Fact]
    public void Each_way_of_getting_the_root_gives_a_procfs_that_names_this_process()
    {
        foreach (var proc in new[] { ProcHandle.New()!, ProcHandle.CloneOf("/proc")!, ProcHandle.OpenPlain() })
        {
            using (proc)
            {
                Assert.Contains($"Pid:\t{Environment.ProcessId}\n", proc.Read("self/status"));
                Assert.Equal(-Errno.ELOOP, Opened(proc, "self/exe"));
            }
        }
        Assert.Null(ProcHandle.CloneOf("/sys"));
        Assert.Null(ProcHandle.CloneOf("/proc/sys"));
    }

    [Fact]
    public void A_directory_that_is_not_a_procfs_root_is_refused()
    {
        Assert.Throws<RuntimeError>(() => ProcHandle.OpenPlain("/tmp"));
        Assert.Throws<RuntimeError>(() => ProcHandle.OpenPlain("/proc/sys"));
        using var plain = ProcHandle.OpenPlain();
        Assert.Equal("/proc", plain.Origin);
    }

    private static long Opened(ProcHandle proc, string path)
    {
        long fd = proc.OpenBeneath(path, Sys.O_PATH);
        if (fd >= 0) Sys.Close((int)fd);
        return fd;
    }
}
