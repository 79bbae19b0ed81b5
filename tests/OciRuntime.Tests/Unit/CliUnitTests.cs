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

public sealed class SignalNameTests
{
    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("SIGKILL", 9)]
    [InlineData("kill", 9)]
    [InlineData("9", 9)]
    [InlineData("0", 0)]
    [InlineData("64", 64)]
    [InlineData("RTMIN+2", 36)]
    [InlineData("SIGRTMAX", 64)]
    public void Parses_what_runc_parses(string text, int signal) => Assert.Equal(signal, SignalNames.Parse(text));

    [Theory]
    [InlineData("-1", "signal: -1 is out of range 0..64")]
    [InlineData("65", "signal: 65 is out of range 0..64")]
    [InlineData("NOPE", "signal: unknown signal \"NOPE\"")]
    public void Refuses_what_is_no_signal(string text, string message) =>
        Assert.Equal(message, Assert.Throws<RuntimeError>(() => SignalNames.Parse(text)).Message);
}
