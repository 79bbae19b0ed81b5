using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2019-5736, issue 20's matrix: a spinner inside a container (<see cref="ProcSpinner"/>) opens /proc/N/exe of
/// every runtime process it can see, keeps what it catches, and reopens it for writing once the runtime has gone.
/// It runs with the default capabilities or with CAP_SYS_PTRACE, in a user namespace (ids mapped to 100000+) or
/// not, while `exec` joins it (60 rounds: 50 `exec -d`, 10 in the foreground) or while 30 containers created into
/// its pid namespace wait before `start`.
///
/// Every variant asserts, whatever the kernel let the spinner open: no write succeeded, the binary's hash is
/// unchanged, and nothing the spinner read or held is a file in the host binary's directory (the runtime's
/// processes run from the sealed image: the detached read-only overlay or a sealed memfd). Where the kernel lets
/// the spinner in (CAP_SYS_PTRACE, no user namespace), it must have caught runtime processes, or the attack was not
/// tried. Elsewhere the runtime's processes are non-dumpable while they are still a copy of ocirun, and the exe of
/// a non-dumpable process is refused to anyone without CAP_SYS_PTRACE in the initial user namespace: the spinner
/// must have met them (refused opens) and caught none.
///
/// Hand builds without the defences (2026-12-07; successful writes, exec / before start):
///   - without the sealed image: CAP_SYS_PTRACE, no user namespace 25 / 11, binary modified; all others 0;
///   - without the sealed image and without non-dumpable: default caps, no user namespace 4 / 14 as well;
///   - sealed but dumpable: 0 writes (EROFS), but the default-caps spinner holds the image (Held 3 / 3488);
///   - in a user namespace the zone's switch to the mapped root makes it non-dumpable anyway; a runtime that set
///     it dumpable again and ran the host file lets the spinner hold the host binary (Held up to 2444), and only
///     the file's mode (root's, 0755; the mapped ids are "other") refuses the write: EACCES.
/// </summary>
public sealed class ExecBinaryAttackTests(ITestOutputHelper output) : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    private const int DetachedRounds = 50, ForegroundRounds = 10, CreatedRounds = 30;

    [SkippableTheory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void No_spinner_writes_the_runtime_binary_during_exec(bool ptrace, bool userNamespace)
    {
        var attacker = new Attacker(ptrace, userNamespace);
        var c = SpinnerContainer.Start(_s, attacker, out string? skip);
        Skip.If(skip is not null, skip);
        try
        {
            for (int i = 0; i < DetachedRounds + ForegroundRounds; i++)
            {
                var r = i < DetachedRounds ? c.Oci("exec", "-d", c.Id, "true") : c.Oci("exec", c.Id, "true");
                Assert.True(r.ExitCode == 0, $"round {i}: {r}");
            }
            AssertNothingWritten(c, $"{DetachedRounds + ForegroundRounds} execs");
        }
        finally { c?.Delete(); }
    }

    /// <summary>
    /// Before `start`: a container created into the spinner's pid namespace (a pod's containers share one, and its
    /// user namespace when there is one) waits at the exec FIFO, its setup done, its process visible to the
    /// spinner. That process is a clone of the CLI: it must run the sealed image, never the host file.
    /// </summary>
    [SkippableTheory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void No_spinner_writes_the_runtime_binary_before_start(bool ptrace, bool userNamespace)
    {
        var attacker = new Attacker(ptrace, userNamespace);
        var c = SpinnerContainer.Start(_s, attacker, out string? skip);
        Skip.If(skip is not null, skip);
        try
        {
            int spinnerPid = c.Pid();
            var b = _s.NewBundle("sleep", "100");
            var namespaces = b.Linux["namespaces"]!.AsArray();
            foreach (var n in namespaces)
                if ((string?)n!["type"] == "pid") n["path"] = $"/proc/{spinnerPid}/ns/pid";
            if (userNamespace)
            {
                // The pod's user namespace, with its maps restated as containerd writes them (runc 1.1 wants them).
                namespaces.Add(new JsonObject { ["type"] = "user", ["path"] = $"/proc/{spinnerPid}/ns/user" });
                foreach (var key in new[] { "uidMappings", "gidMappings" })
                    b.Linux[key] = c.Bundle.Linux[key]!.DeepClone();
            }
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
            AssertNothingWritten(c, $"{CreatedRounds} containers created into the spinner's pid namespace");
        }
        finally { c?.Delete(); }
    }

    private void AssertNothingWritten(SpinnerContainer c, string rounds)
    {
        var report = c.Stop();
        bool unchanged = c.BinaryUnchanged();
        output.WriteLine($"{RuntimeBinary.Path}, spinner with {c.Attacker}: {rounds}; spinner: {report}; binary unchanged: {unchanged}");

        Assert.True(report.Wrote == 0, "the spinner reopened a runtime binary for writing and wrote it: " + report);
        Assert.True(unchanged, "the runtime binary was modified from inside the container: " + report);
        string hostDir = Path.GetDirectoryName(c.Binary)!;
        Assert.False(report.HeldTargets.Concat(report.ExeTargets).Any(t => t.Contains(hostDir, StringComparison.Ordinal)),
            "a runtime process in reach of the container ran the host file, not the sealed image: " + report);

        if (c.Attacker is { Ptrace: true, UserNamespace: false })
        {
            Assert.True(report.Held > 0, "the spinner never caught a runtime process, so the attack was not tried: " + report);
        }
        else
        {
            Assert.True(report.DeniedPids > 0, "the spinner never met a runtime process, so the attack was not tried: " + report);
            Assert.True(report.Held == 0, "a runtime process was dumpable while still a copy of ocirun (the zone must stay non-dumpable until its execve): " + report);
        }
    }
}
