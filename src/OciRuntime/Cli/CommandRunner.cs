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
            catch (Exception e) when (e is RuntimeError or SyscallException or SpecFormatException or IOException or UnauthorizedAccessException)
            {
                ErrorOutput.Report(g, command.Name, e.Message);
                return failureCode;
            }
        });
    }

    internal static StateStore Store(this GlobalOptions g) => new(g.Root);
}
