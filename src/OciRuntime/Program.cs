using System.CommandLine;
using OciRuntime.Cli;
using OciRuntime.Launch;

namespace OciRuntime;

internal static class Program
{
    private static int Main(string[] args)
    {
        // init is ocirun's own entry into the container: no parser, nothing but the setup sequence.
        if (args.Length == 1 && args[0] == "init") return InitMain.Run();

        // runc's shape, which scripts and engines grep.
        if (args is ["--version"] or ["-v"] or ["version"])
        {
            Console.Out.Write($"ocirun version {RuntimeInfo.Version}\nspec: {OciSpec.OciVersions.Current}\n");
            return 0;
        }

        var globals = new GlobalOptionSet();
        var root = new RootCommand("ocirun: an OCI container runtime (runc-compatible command line)");
        globals.AddTo(root);
        if (CommandTable.Only(args, globals) is { } only) root.Add(only);
        else foreach (var c in CommandTable.All(globals)) root.Add(c);
        var result = root.Parse(ExecCommand.Normalize(args));
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors) Console.Error.WriteLine($"ocirun: {e.Message}");
            ParseErrorLog.Write(globals, result);
            return 1;
        }
        return result.Invoke();
    }
}
