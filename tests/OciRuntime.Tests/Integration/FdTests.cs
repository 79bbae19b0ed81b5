using OciRuntime.Tests.Support;
using static OciRuntime.Tests.Integration.HostShell;

namespace OciRuntime.Tests.Integration;

/// <summary>--preserve-fds and socket activation: exactly the named descriptors reach the container.</summary>
public sealed class FdTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    // Descriptors 3..5 of ocirun's caller: two files and one more that must not get in.
    private const string Open = "exec 3<\"$F3\" 4<\"$F4\" 5<\"$F4\"\n";
    // The container's view: its descriptors (ls adds one of its own, the next free number), and fd 3 and 4's content.
    private const string Probe = "ls /proc/self/fd | tr '\\n' ' '; echo; cat <&3; cat <&4; echo LISTEN_FDS=$LISTEN_FDS LISTEN_PID=$LISTEN_PID";

    private Dictionary<string, string> Files()
    {
        string f3 = Path.Join(Path.GetTempPath(), $"ocirun-test-fd3-{Guid.NewGuid():N}"), f4 = f3.Replace("fd3", "fd4");
        File.WriteAllText(f3, "three\n");
        File.WriteAllText(f4, "four\n");
        return new() { ["F3"] = f3, ["F4"] = f4 };
    }

    private static void Clean(Dictionary<string, string> env) { foreach (var f in env.Values) File.Delete(f); }

    [Fact]
    public void Run_with_preserve_fds_passes_exactly_those()
    {
        var b = _s.NewBundle().Shell(Probe);
        b.Save();
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"$OCI run --preserve-fds 2 --bundle {b.Dir} {_s.NewId()}", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(["0 1 2 3 4 5", "three", "four", "LISTEN_FDS= LISTEN_PID="], Lines(r.Stdout).ToArray());
        }
        finally { Clean(env); }
    }

    [Fact]
    public void Without_preserve_fds_none_of_the_callers_descriptors_get_in()
    {
        var b = _s.NewBundle().Shell("ls /proc/self/fd | tr '\\n' ' '");
        b.Save();
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"$OCI run --bundle {b.Dir} {_s.NewId()}", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal("0 1 2 3", r.Stdout.Trim());
        }
        finally { Clean(env); }
    }

    [Fact]
    public void Socket_activation_passes_LISTEN_FDS_with_LISTEN_PID_1()
    {
        var b = _s.NewBundle().Shell(Probe);
        b.Save();
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"LISTEN_FDS=2 LISTEN_PID=$$ $OCI run --bundle {b.Dir} {_s.NewId()}", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(["0 1 2 3 4 5", "three", "four", "LISTEN_FDS=2 LISTEN_PID=1"], Lines(r.Stdout).ToArray());
        }
        finally { Clean(env); }
    }

    [Fact]
    public void Socket_activation_and_preserve_fds_add_up()
    {
        var b = _s.NewBundle().Shell("ls /proc/self/fd | tr '\\n' ' '; echo; echo $LISTEN_FDS");
        b.Save();
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"LISTEN_FDS=1 $OCI run --preserve-fds 1 --bundle {b.Dir} {_s.NewId()}", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(["0 1 2 3 4 5", "1"], Lines(r.Stdout).ToArray());
        }
        finally { Clean(env); }
    }

    [Fact]
    public void Exec_with_preserve_fds_passes_exactly_those()
    {
        var b = _s.NewBundle("sleep", "1000");
        b.Save();
        string id = _s.NewId();
        Assert.Equal(0, _s.Oci("run", "-d", "--bundle", b.Dir, id).ExitCode);
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"$OCI exec --preserve-fds 1 {id} sh -c 'ls /proc/self/fd | tr \"\\n\" \" \"; echo; cat <&3'", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(["0 1 2 3 4", "three"], Lines(r.Stdout).ToArray());
            var none = Run(_s, Open + $"$OCI exec {id} sh -c 'ls /proc/self/fd | tr \"\\n\" \" \"'", env: env);
            Assert.Equal("0 1 2 3", none.Stdout.Trim());
        }
        finally { Clean(env); }
    }

    [Fact]
    public void Init_with_preserve_fds_hands_them_to_the_process_not_to_pid_1()
    {
        var b = _s.NewBundle().Shell(Probe);
        b.Save();
        var env = Files();
        try
        {
            var r = Run(_s, Open + $"$OCI run --init --preserve-fds 2 --bundle {b.Dir} {_s.NewId()}", env: env);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(["0 1 2 3 4 5", "three", "four", "LISTEN_FDS= LISTEN_PID="], Lines(r.Stdout).ToArray());
        }
        finally { Clean(env); }
    }
}
