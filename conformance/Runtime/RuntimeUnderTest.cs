using System.Diagnostics;

namespace Conformance.Runtime;

/// <summary>
/// The runc-compatible binary being checked and how to invoke it. Every invocation gets
/// its own --root, stdin from /dev/null and stdout/stderr in files: with terminal false,
/// `create` hands its stdio to the container, so a pipe would stay open after the
/// runtime exits and a reader waiting for EOF would hang until the container dies.
/// </summary>
public static class RuntimeUnderTest
{
    public static readonly string Binary = ResolveBinary();

    /// <summary>
    /// crun 1.8 refuses this hybrid-cgroup host ("cgroups in hybrid mode not supported")
    /// unless /sys/fs/cgroup/unified is gone, so each command runs in a private mount
    /// namespace without it. Containers stay visible across commands because crun keeps
    /// its state under --root and the container's own namespaces are not tied to the
    /// mount namespace of the command that created them (verified: create, start, state,
    /// kill and delete in separate namespaces all work).
    /// </summary>
    public static readonly bool WrapInUnshare =
        Path.GetFileName(Binary) == "crun" || Environment.GetEnvironmentVariable("OCIRUN_WRAP_UNSHARE") == "1";

    /// <summary>
    /// Long enough for any command of a working runtime on a loaded 2-core machine;
    /// short enough that a runtime that hangs on every command still finishes the suite.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    static int _invocation;
    static int _timeouts;

    /// <summary>
    /// After this many commands have timed out the runtime is taken to hang, and every
    /// later command gets <see cref="HungTimeout"/>: a suite against a runtime that
    /// never returns then ends in minutes with every case failed, instead of in hours.
    /// </summary>
    const int TimeoutsBeforeHung = 3;
    static readonly TimeSpan HungTimeout = TimeSpan.FromSeconds(1);

    static string ResolveBinary()
    {
        var fromEnv = Environment.GetEnvironmentVariable("OCIRUN_UNDER_TEST");
        if (!string.IsNullOrEmpty(fromEnv)) return Path.GetFullPath(fromEnv);

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OciRuntime.sln")))
                return Path.Combine(dir.FullName, "out", "ocirun");
        throw new InvalidOperationException("OCIRUN_UNDER_TEST is unset and no OciRuntime.sln above the test assembly");
    }

    /// <summary>Starts `binary --root root args...`; the caller waits on the handle.</summary>
    public static RuntimeProcess Start(string root, string ioDir, IEnumerable<string> args, IEnumerable<string>? globalArgs = null)
    {
        if (!File.Exists(Binary))
            throw new FileNotFoundException($"runtime under test not found: {Binary} (set OCIRUN_UNDER_TEST)");

        var runtimeArgs = new List<string> { "--root", root };
        if (globalArgs != null) runtimeArgs.AddRange(globalArgs);
        runtimeArgs.AddRange(args);

        int n = Interlocked.Increment(ref _invocation);
        string stdout = Path.Combine(ioDir, $"cmd{n}.out");
        string stderr = Path.Combine(ioDir, $"cmd{n}.err");

        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$@\" </dev/null >\"$OCIRUN_TEST_OUT\" 2>\"$OCIRUN_TEST_ERR\"");
        psi.ArgumentList.Add("sh");
        if (WrapInUnshare)
        {
            foreach (var a in new[] { "unshare", "-m", "/bin/sh", "-c", "umount /sys/fs/cgroup/unified 2>/dev/null; exec \"$@\"", "sh" })
                psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(Binary);
        foreach (var a in runtimeArgs) psi.ArgumentList.Add(a);
        psi.Environment["OCIRUN_TEST_OUT"] = stdout;
        psi.Environment["OCIRUN_TEST_ERR"] = stderr;

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start /bin/sh");
        return new RuntimeProcess(process, runtimeArgs.ToArray(), stdout, stderr);
    }

    public static CommandResult Invoke(string root, string ioDir, IEnumerable<string> args,
        IEnumerable<string>? globalArgs = null, TimeSpan? timeout = null)
        => Start(root, ioDir, args, globalArgs).Wait(timeout ?? DefaultTimeout);

    internal static TimeSpan Limit(TimeSpan asked) =>
        Volatile.Read(ref _timeouts) >= TimeoutsBeforeHung && asked > HungTimeout ? HungTimeout : asked;

    internal static void RecordTimeout() => Interlocked.Increment(ref _timeouts);
}

/// <summary>A runtime command in flight.</summary>
public sealed class RuntimeProcess(Process process, string[] args, string stdoutPath, string stderrPath)
{
    CommandResult? _result;

    /// <summary>Waits for the command (killing it when the time is up); later calls return the same result.</summary>
    public CommandResult Wait(TimeSpan timeout)
    {
        if (_result != null) return _result;
        bool exited = process.WaitForExit(RuntimeUnderTest.Limit(timeout));
        if (!exited)
        {
            RuntimeUnderTest.RecordTimeout();
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            process.WaitForExit();
        }
        _result = new CommandResult(args, exited ? process.ExitCode : -1,
            ReadOrEmpty(stdoutPath), ReadOrEmpty(stderrPath), !exited, stdoutPath);
        process.Dispose();
        return _result;
    }

    static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";
}
