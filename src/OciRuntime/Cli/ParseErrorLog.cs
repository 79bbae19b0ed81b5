using System.CommandLine;

namespace OciRuntime.Cli;

/// <summary>
/// Command-line errors in --log too. containerd's shim shows the user the last error of the log, not stderr: a flag
/// we do not know reached ctr as "unable to retrieve OCI runtime error (open log.json: no such file or directory)".
/// runc logs these as well (its logger is set up from the global flags before the subcommand's are parsed).
/// </summary>
internal static class ParseErrorLog
{
    internal static void Write(GlobalOptionSet globals, ParseResult result)
    {
        GlobalOptions g;
        // A bad global flag (--log-format yaml, say) leaves no log to write to.
        try { g = globals.From(result); }
        catch (InvalidOperationException) { return; }
        if (g.Log is null) return;
        var command = result.CommandResult.Command;
        string message = string.Join("; ", result.Errors.Select(e => e.Message));
        if (command is RootCommand) ErrorOutput.LogOnly(g, "ocirun", message);
        else ErrorOutput.LogOnly(g, command.Name, message);
    }
}
