using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2024-21626 through `exec`: the caller of `exec` holds descriptor 7 open on a host directory without
/// close-on-exec, as engines' shims have. A process joining the container that still holds it (even marked
/// close-on-exec, until its execve) hands it to a container with CAP_SYS_PTRACE through /proc/N/fd/7: the spinner
/// looks for HOST-MARKER in every descriptor of every process it sees, and one level up. 60 rounds.
/// </summary>
public sealed class LeakedFdAttackTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const int Rounds = 60;

    [SkippableFact]
    public void A_directory_the_caller_leaked_is_never_reachable_from_the_container_during_exec()
    {
        string host = Path.Join(Path.GetDirectoryName(_s.Root)!, "hostdir");
        Directory.CreateDirectory(host);
        File.WriteAllText(Path.Join(host, "HOST-MARKER"), "host");
        var c = SpinnerContainer.Start(_s, out string? skip);
        Skip.If(skip is not null, skip);
        try
        {
            for (int i = 0; i < Rounds; i++)
            {
                string[] exec = i % 2 == 0 ? ["exec", "-d", c.Id, "true"] : ["exec", c.Id, "true"];
                var r = Launcher.Run($"exec 7<'{host}';", [c.Binary, "--root", _s.Root, .. exec]);
                Assert.True(r.ExitCode == 0, $"round {i}: {r}");
            }
            var report = c.Stop();
            output.WriteLine($"{RuntimeBinary.Path}: {Rounds} execs holding fd 7 on a host directory; spinner: {report}");
            Assert.Equal(0, report.Leaked);
        }
        finally { c?.Delete(); }
    }
}
