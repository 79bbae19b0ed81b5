using System.CommandLine;

namespace OciRuntime.Cli;

/// <summary>Every subcommand, in the order `--help` lists them.</summary>
internal static class CommandTable
{
    internal static IEnumerable<Command> All(GlobalOptionSet g) =>
    [
        CreateCommand.Build(g),
        StartCommand.Build(g),
        RunCommand.Build(g),
        StateCommand.Build(g),
        KillCommand.Build(g),
        DeleteCommand.Build(g),
        ExecCommand.Build(g),
        ListCommand.Build(g),
        PauseCommand.Build(g),
        PauseCommand.BuildResume(g),
        UpdateCommand.Build(g),
        PsCommand.Build(g),
        EventsCommand.Build(g),
        SpecCommand.Build(g),
        FeaturesCommand.Build(g),
        CheckpointCommand.Build(g),
        RestoreCommand.Build(g),
        SeccompCommand.Build(g),
    ];

    /// <summary>
    /// Just the command the arguments name, or null (help, a typo, no command): building all eighteen commands with
    /// their options costs more than parsing, on every create, start, state and delete an engine runs.
    /// </summary>
    internal static Command? Only(string[] args, GlobalOptionSet g) => CommandName(args) switch
    {
        "create" => CreateCommand.Build(g),
        "start" => StartCommand.Build(g),
        "run" => RunCommand.Build(g),
        "state" => StateCommand.Build(g),
        "kill" => KillCommand.Build(g),
        "delete" => DeleteCommand.Build(g),
        "exec" => ExecCommand.Build(g),
        "list" or "ps-list" => ListCommand.Build(g),
        "pause" => PauseCommand.Build(g),
        "resume" => PauseCommand.BuildResume(g),
        "update" => UpdateCommand.Build(g),
        "ps" => PsCommand.Build(g),
        "events" => EventsCommand.Build(g),
        _ => null,
    };

    /// <summary>The first argument that is neither a global option nor the value of one.</summary>
    // Native/sealed_exec.c finds the subcommand the same way before .NET starts (to re-exec create, run and exec
    // from a sealed image): a global option with a value added here must be added there too.
    internal static string? CommandName(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (!a.StartsWith('-')) return a;
            if (a is "--help" or "-h" or "-?" or "--") return null;
            if (a is "--root" or "--log" or "--log-format" or "--criu" or "--rootless") i++;
        }
        return null;
    }
}
