using System.CommandLine;
using OciRuntime.Interop;
using OciRuntime.State;
using OciSpec;

namespace OciRuntime.Cli;

/// <summary>Runs a subcommand's body with the common error handling: one line, the log, exit code 1.</summary>
internal static class CommandRunner
{
    /// <summary><paramref name="failureCode"/>: the exit code of a failure of ocirun's own (runc's: 255 for `exec`,
    /// whose other codes are the process's own, else 1).</summary>
    internal static void SetHandler(this Command command, GlobalOptionSet globals, Func<ParseResult, GlobalOptions, PhaseTimer, int> body,
        int failureCode = 1)
    {
        command.SetAction(r =>
        {
            GlobalOptions? g = null;
            try
            {
                g = globals.From(r);
                var timer = new PhaseTimer(g.Trace, command.Name);
                int code = body(r, g, timer);
                timer.Report(Console.Error);
                return code;
            }
            catch (Exception e)
            {
                // Every failure ends the same way, whatever its type: one line on stderr and in --log (containerd's
                // shim reads only the log), never the framework's stack trace.
                ErrorOutput.Report(g ?? Fallback(globals, r), command.Name, Describe(e));
                return failureCode;
            }
        });
    }

    /// <summary>The failure as one line. Ours (and the kernel's, the spec's, the file system's) are said as they
    /// are; anything else is a defect of ocirun, named by its type so a report can find where it came from.</summary>
    internal static string Describe(Exception e)
    {
        string message = e is RuntimeError or SyscallException or SpecFormatException or IOException or UnauthorizedAccessException
            ? e.Message
            : $"internal error: {e.GetType().Name}: {e.Message}";
        return string.Join(" ", message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Where to log when the global options themselves could not be read: what of them still parses.</summary>
    private static GlobalOptions? Fallback(GlobalOptionSet globals, ParseResult r)
    {
        try { return new GlobalOptions("", r.GetValue(globals.Log), r.GetValue(globals.LogFormat) ?? "text", false, false); }
        catch (Exception) { return null; }
    }

    internal static StateStore Store(this GlobalOptions g) => new(g.Root);
}
