using System.Diagnostics;
using System.Text;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Hooks;

/// <summary>
/// Runs OCI hooks: the container's state JSON on stdin, args and env as given, a timeout, and the hook's own
/// output in the error when it fails.
/// </summary>
internal static class HookRunner
{
    /// <summary>Runs each hook in order; the first failure stops the list and is thrown.</summary>
    internal static void RunAll(string kind, IReadOnlyList<Hook>? hooks, string stateJson)
    {
        if (hooks is null) return;
        for (int i = 0; i < hooks.Count; i++) Run($"hooks.{kind}[{i}]", hooks[i], stateJson);
    }

    /// <summary>Runs every hook even if some fail (poststop); returns the failures.</summary>
    internal static List<string> RunAllCollectingErrors(string kind, IReadOnlyList<Hook>? hooks, string stateJson)
    {
        var errors = new List<string>();
        if (hooks is null) return errors;
        for (int i = 0; i < hooks.Count; i++)
        {
            try { Run($"hooks.{kind}[{i}]", hooks[i], stateJson); }
            catch (RuntimeError e) { errors.Add(e.Message); }
        }
        return errors;
    }

    internal static void Run(string where, Hook hook, string stateJson)
    {
        var argv = hook.Args is { Count: > 0 } a ? a : [hook.Path];
        IReadOnlyList<string> envp = hook.Env ?? Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}").ToList();
        var (r, w) = Sys.Pipe();
        using var inR = new OwnedFd(r);
        using var inW = new OwnedFd(w);
        (r, w) = Sys.Pipe();
        using var outR = new OwnedFd(r);
        using var outW = new OwnedFd(w);
        int pid;
        try
        {
            // A hook starts with nothing blocked (init under --init blocks the signals its reaper forwards).
            ulong mask = Sys.SetSignalMask(0);
            try { pid = Sys.Spawn(hook.Path, argv, envp, inR.Fd, outW.Fd, outW.Fd); }
            finally { Sys.SetSignalMask(mask); }
        }
        catch (SyscallException e) { throw new RuntimeError($"{where}: {e.Message}"); }
        inR.Dispose();
        outW.Dispose(); // the hook's copy is the last writer now: its exit ends our reads
        // A hook may not read its stdin at all: a closed pipe must not kill us.
        Sys.TryWrite(inW.Fd, Encoding.UTF8.GetBytes(stateJson));
        inW.Dispose();

        var output = new MemoryStream();
        var deadline = hook.Timeout is int t and > 0 ? Stopwatch.GetTimestamp() + t * Stopwatch.Frequency : long.MaxValue;
        bool timedOut = false;
        Span<Sys.PollFd> pfd = stackalloc Sys.PollFd[1];
        Span<byte> buf = stackalloc byte[4096];
        while (true)
        {
            int wait = deadline == long.MaxValue ? -1 : (int)Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
            pfd[0] = new Sys.PollFd { Fd = outR.Fd, Events = Sys.POLLIN };
            long ready = Sys.TryPoll(pfd, wait);
            if (ready == 0) { timedOut = true; break; }
            long n = Sys.TryRead(outR.Fd, buf);
            if (n <= 0) break;
            if (output.Length < 64 * 1024) output.Write(buf[..(int)n]);
        }
        outR.Dispose();
        if (timedOut) Sys.TryKill(pid, Sys.SIGKILL);
        Sys.TryWait(pid, out int status, 0);
        string text = Encoding.UTF8.GetString(output.ToArray()).Trim().Replace('\n', ' ');
        if (timedOut) throw new RuntimeError($"{where}: {hook.Path} timed out after {hook.Timeout}s");
        if (status != 0)
        {
            string how = (status & 0x7f) == 0 ? $"exit status {(status >> 8) & 0xff}" : $"killed by signal {status & 0x7f}";
            throw new RuntimeError($"{where}: {hook.Path} failed ({how}){(text.Length > 0 ? ": " + text : "")}");
        }
    }
}
