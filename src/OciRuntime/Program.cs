using System.CommandLine;
using OciRuntime.Cli;

namespace OciRuntime;

internal static class Program
{
    private static int Main(string[] args)
    {
        // runc's shape, which scripts and engines grep.
        if (args is ["--version"] or ["-v"] or ["version"])
        {
            Console.Out.Write($"ocirun version {RuntimeInfo.Version}\nspec: {OciSpec.OciVersions.Current}\n");
            return 0;
        }

        var globals = new GlobalOptionSet();
        const string about = "ocirun: an OCI container runtime (runc-compatible command line)";
        // RootCommand builds its --help option from System.CommandLine's resources, which costs a create or a
        // delete a tenth of its parse-to-handler time: only asking for help pays for it.
        Command root = WantsHelp(args) ? new RootCommand(about) : new Command("ocirun", about);
        globals.AddTo(root);
        if (CommandTable.Only(args, globals) is { } only) root.Add(only);
        else foreach (var c in CommandTable.All(globals)) root.Add(c);
        var result = root.Parse(ExecCommand.Normalize(args));
        string? log = LogTarget(result, globals);
        ErrorOutput.CreateLog(log);
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors) Console.Error.WriteLine($"ocirun: {e.Message}");
            // Engines read why a command failed from --log, not from stderr (containerd's shim: its last error line).
            ErrorOutput.LogOnly(log, result.GetValue(globals.LogFormat) ?? "text", result.CommandResult.Command.Name,
                string.Join("; ", result.Errors.Select(e => e.Message)));
            return 1;
        }
        return result.Invoke();
    }

    private static bool WantsHelp(string[] args)
    {
        foreach (var a in args)
            if (a is "-h" or "--help" or "-?" or "/h" or "/?") return true;
        return args.Length == 0 || CommandTable.CommandName(args) is null;
    }

    /// <summary>--log as parsed, or nothing when the parse could not make sense of it.</summary>
    private static string? LogTarget(ParseResult result, GlobalOptionSet globals)
    {
        try { return result.GetValue(globals.Log); }
        catch (InvalidOperationException) { return null; }
    }
}
