using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>`exec --user name[:group]` resolved in the container's own /etc/passwd and /etc/group.</summary>
public sealed class ExecUserTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private string Running()
    {
        var b = _s.NewBundle("sleep", "1000");
        // Names that exist only inside this container: the host has no "appuser" or "appgroup".
        File.WriteAllText(Path.Join(b.Rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nappuser:x:2345:2346::/tmp:/bin/sh\n");
        File.WriteAllText(Path.Join(b.Rootfs, "etc", "group"), "root:x:0:\nappuser:x:2346:\nappgroup:x:3000:\nextra:x:3001:appuser,root\n");
        b.Save();
        string id = _s.NewId();
        var r = _s.Oci("run", "-d", "--bundle", b.Dir, id);
        Assert.True(r.ExitCode == 0, r.ToString());
        return id;
    }

    [Fact]
    public void A_user_name_is_looked_up_inside_the_container()
    {
        string id = Running();
        var r = _s.Oci("exec", "--user", "appuser", id, "sh", "-c", "id -u; id -g; id -G");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["2345", "2346", "2346 3001"], ProcessTests.Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void A_group_name_after_the_colon_is_looked_up_too()
    {
        string id = Running();
        var r = _s.Oci("exec", "-u", "appuser:appgroup", id, "sh", "-c", "id -u; id -g");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["2345", "3000"], ProcessTests.Lines(r.Stdout).ToArray());
    }

    [Fact]
    public void An_unknown_name_is_an_error_naming_it()
    {
        string id = Running();
        var r = _s.Oci("exec", "--user", "nobody-here", id, "true");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("no user \"nobody-here\"", r.Stderr);
    }
}
