using OciRuntime.Cli;

namespace OciRuntime.Tests.Unit;

public sealed class CliUnitTests
{
    [Theory]
    [InlineData("create --bundle b id", "create")]
    [InlineData("--root /r --log /l --log-format json state id", "state")]
    [InlineData("--debug --systemd-cgroup delete -f id", "delete")]
    [InlineData("--root=/r kill id KILL", "kill")]
    [InlineData("--criu /c --rootless true ps-list", "ps-list")]
    [InlineData("--help", null)]
    [InlineData("--root /r", null)]
    [InlineData("", null)]
    public void The_command_is_the_first_word_that_is_not_a_global_option(string line, string? command)
    {
        Assert.Equal(command, CommandTable.CommandName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }
}
