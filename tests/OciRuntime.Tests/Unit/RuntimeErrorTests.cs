using OciRuntime.Interop;

namespace OciRuntime.Tests.Unit;

/// <summary>RuntimeError keeps the errno and the config field as data, with its text built from them; the errno
/// comes through from the framework's own file-system exceptions, made here by the real kernel.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RuntimeErrorTests
{
    [Fact]
    public void The_text_is_built_from_field_step_and_errno()
    {
        var e = new RuntimeError("linux.cgroupsPath", "create /sys/fs/cgroup/pids/x", Errno.EACCES);
        Assert.Equal("linux.cgroupsPath: create /sys/fs/cgroup/pids/x: Permission denied", e.Message);
        Assert.Equal("linux.cgroupsPath", e.Field);
        Assert.Equal(Errno.EACCES, e.Errno);
        var plain = new RuntimeError(null, "remove cgroup /x");
        Assert.Equal("remove cgroup /x", plain.Message);
        Assert.Equal(0, plain.Errno);
        Assert.Null(plain.Field);
    }

    [Fact]
    public void A_busy_directory_keeps_ENOTEMPTY()
    {
        string dir = Path.Join(Path.GetTempPath(), $"ocirun-test-dir-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Join(dir, "sub"));
        try
        {
            var io = Assert.ThrowsAny<IOException>(() => Directory.Delete(dir, false));
            var e = RuntimeError.FromIo("linux.cgroupsPath", "remove " + dir, io);
            Assert.Equal(Errno.ENOTEMPTY, e.Errno);
            Assert.Equal($"linux.cgroupsPath: remove {dir}: Directory not empty", e.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void A_refused_write_keeps_EACCES_and_a_refused_mkdir_EPERM()
    {
        // sysfs refuses both to everyone, root included: notes is 0444, and no directory can be made at its top.
        var write = Assert.ThrowsAny<Exception>(() => File.WriteAllText("/sys/kernel/notes", "x"));
        Assert.Equal(Errno.EACCES, RuntimeError.ErrnoOf(write));
        var mkdir = Assert.ThrowsAny<Exception>(() => Directory.CreateDirectory($"/sys/ocirun-test-{Guid.NewGuid():N}"));
        Assert.Equal(Errno.EPERM, RuntimeError.ErrnoOf(mkdir));
        Assert.Equal(Errno.ENOENT, RuntimeError.ErrnoOf(Assert.ThrowsAny<IOException>(() => File.ReadAllBytes("/ocirun-test-missing"))));
    }

    [Fact]
    public void Errno_passes_through_wrapping()
    {
        Assert.Equal(Errno.EBUSY, RuntimeError.ErrnoOf(new SyscallException("rmdir /x", Errno.EBUSY)));
        Assert.Equal(Errno.EBUSY, RuntimeError.ErrnoOf(new RuntimeError(null, "x", Errno.EBUSY)));
        Assert.Equal(0, RuntimeError.ErrnoOf(new FormatException("no errno")));
    }
}
