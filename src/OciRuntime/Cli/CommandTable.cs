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
}
