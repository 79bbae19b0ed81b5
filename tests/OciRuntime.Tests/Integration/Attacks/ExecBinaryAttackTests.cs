using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2019-5736 through `exec`: a container holding CAP_SYS_PTRACE (no user namespace) spins over /proc/N/exe
/// while `exec` joins it, keeps every runtime binary it catches, and reopens it for writing once the runtime has
/// exited. A runtime whose joining process still runs the host file (dumpable or not) loses this race within a few
/// execs (ocirun before the sealed image: 5 of 5 trials); one that runs from a sealed image or a read-only overlay
/// never does. 60 rounds: 50 `exec -d` and 10 in the foreground.
/// </summary>
public sealed class ExecBinaryAttackTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const int DetachedRounds = 50, ForegroundRounds = 10;

    [SkippableFact]
    public void A_ptrace_capable_spinner_never_writes_the_runtime_binary_during_exec()
    {
        var c = SpinnerContainer.Start(_s, out string? skip);
        Skip.If(skip is not null, skip);
        try
        {
            for (int i = 0; i < DetachedRounds + ForegroundRounds; i++)
            {
                var r = i < DetachedRounds ? c.Oci("exec", "-d", c.Id, "true") : c.Oci("exec", c.Id, "true");
                Assert.True(r.ExitCode == 0, $"round {i}: {r}");
            }
            var report = c.Stop();
            bool unchanged = c.BinaryUnchanged();
            output.WriteLine($"{RuntimeBinary.Path}: {DetachedRounds + ForegroundRounds} execs; spinner: {report}; binary unchanged: {unchanged}");
            Assert.True(report.Held > 0, "the spinner never caught a runtime process, so the attack was not tried: " + report);
            Assert.Equal(0, report.Wrote);
            Assert.True(unchanged, "the runtime binary was modified from inside the container");
            // No process the spinner saw ran a file by its host path: the joining processes run from the image.
            Assert.DoesNotContain(report.ExeTargets, t => t.Contains(Path.GetDirectoryName(c.Binary)!, StringComparison.Ordinal));
        }
        finally { c?.Delete(); }
    }

    private const int CreatedRounds = 30;

    /// <summary>
    /// Before `start`: a container created into the spinner's pid namespace (a pod's containers share one) waits at
    /// the exec FIFO, its setup done, its process visible to the spinner. That process is a clone of the CLI running
    /// the setup program: it must run the sealed image, never the host file, so nothing
    /// the spinner holds can be reopened for writing once the CLI has gone.
    /// </summary>
    [SkippableFact]
    public void A_ptrace_capable_spinner_never_writes_the_runtime_binary_before_start()
    {
        var c = SpinnerContainer.Start(_s, out string? skip);
        Skip.If(skip is not null, skip);
        try
        {
            var st = c.Oci("state", c.Id);
            Assert.True(st.ExitCode == 0, st.ToString());
            int spinnerPid = (int)System.Text.Json.Nodes.JsonNode.Parse(st.Stdout)!["pid"]!;
            var b = _s.NewBundle("sleep", "100");
            foreach (var n in b.Linux["namespaces"]!.AsArray())
                if ((string?)n!["type"] == "pid") n["path"] = $"/proc/{spinnerPid}/ns/pid";
            b.Save();
            for (int i = 0; i < CreatedRounds; i++)
            {
                string id = _s.NewId();
                var r = c.Oci("create", "--bundle", b.Dir, id);
                Assert.True(r.ExitCode == 0, $"round {i}: {r}");
                Thread.Sleep(30); // the spinner's turn: the created container's process, alone, its CLI gone
                var d = c.Oci("delete", "--force", id);
                Assert.True(d.ExitCode == 0, $"round {i}: {d}");
            }
            var report = c.Stop();
            bool unchanged = c.BinaryUnchanged();
            output.WriteLine($"{RuntimeBinary.Path}: {CreatedRounds} created containers in the spinner's pid namespace; spinner: {report}; binary unchanged: {unchanged}");
            Assert.True(report.Held > 0, "the spinner never caught a runtime process, so the attack was not tried: " + report);
            Assert.Equal(0, report.Wrote);
            Assert.True(unchanged, "the runtime binary was modified from inside the container");
            Assert.DoesNotContain(report.ExeTargets, t => t.Contains(Path.GetDirectoryName(c.Binary)!, StringComparison.Ordinal));
        }
        finally { c?.Delete(); }
    }
}
