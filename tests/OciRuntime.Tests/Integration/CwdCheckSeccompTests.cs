using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// The CVE-2024-21626 working-directory check must not depend on the seccomp profile: a profile loaded before the
/// chdir (noNewPrivileges false) that denies getcwd must neither break an honest container nor let a working
/// directory outside the root through (getcwd answering an errno, or 0 through errnoRet 0).
/// </summary>
public sealed class CwdCheckSeccompTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private static JsonObject GetcwdBlocked(uint errno) => new()
    {
        ["defaultAction"] = "SCMP_ACT_ALLOW",
        ["architectures"] = new JsonArray("SCMP_ARCH_X86_64"),
        ["syscalls"] = new JsonArray(new JsonObject
        {
            ["names"] = new JsonArray("getcwd"), ["action"] = "SCMP_ACT_ERRNO", ["errnoRet"] = errno,
        }),
    };

    private Bundle With(uint errno, string script)
    {
        var b = _s.NewBundle().Shell(script);
        b.Process["noNewPrivileges"] = false;
        b.Linux["seccomp"] = GetcwdBlocked(errno);
        return b;
    }

    [Theory]
    [InlineData(1u)]  // EPERM, the profile of the third-party suite
    [InlineData(2u)]  // ENOENT: what getcwd says for an unreachable directory
    [InlineData(0u)]  // "success" with nothing written
    public void A_profile_denying_getcwd_does_not_break_the_container(uint errno)
    {
        var r = _s.Run(With(errno, "echo ran"));
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("ran\n", r.Stdout);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    [InlineData(0u)]
    public void A_profile_denying_getcwd_does_not_let_a_host_cwd_through(uint errno)
    {
        string host = Path.Join(Path.GetDirectoryName(_s.Root)!, "hostdir");
        Directory.CreateDirectory(host);
        File.WriteAllText(Path.Join(host, "HOST-MARKER"), "host");
        var b = With(errno, "ls");
        b.Process["cwd"] = "/proc/self/fd/7";
        b.Save();
        // Passed on purpose (--preserve-fds), so the chdir succeeds and only the check stands in the way.
        var r = Launcher.Run($"exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7<'{host}';",
            [RuntimeBinary.Path, "--root", _s.Root, "run", "--preserve-fds", "5", "--bundle", b.Dir, _s.NewId()]);
        Assert.DoesNotContain("HOST-MARKER", r.Stdout);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("process.cwd", r.Stderr);
        Assert.Contains("outside the container's root", r.Stderr);
    }
}
