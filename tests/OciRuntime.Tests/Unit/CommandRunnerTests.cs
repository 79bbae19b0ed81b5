using System.CommandLine;
using System.Text.Json.Nodes;
using OciRuntime.Cli;

namespace OciRuntime.Tests.Unit;

/// <summary>A command body's failure of any type ends as one error line in --log (containerd's shim reads only that)
/// and the failure exit code, never as the framework's unhandled-exception report.</summary>
public sealed class CommandRunnerTests
{
    public static TheoryData<string> Failures => new() { "InvalidOperationException", "FormatException", "NullReferenceException", "KeyNotFoundException" };

    private static Exception Make(string type) => type switch
    {
        "InvalidOperationException" => new InvalidOperationException("sequence contains\nno elements"),
        "FormatException" => new FormatException("bad number"),
        "NullReferenceException" => new NullReferenceException("null"),
        _ => new KeyNotFoundException("no key"),
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Every_exception_type_reaches_the_json_log_as_one_line(string type)
    {
        string log = Path.Join(Path.GetTempPath(), $"ocirun-test-log-{Guid.NewGuid():N}.json");
        try
        {
            var globals = new GlobalOptionSet();
            var root = new Command("ocirun");
            globals.AddTo(root);
            var failing = new Command("state");
            failing.SetHandler(globals, (_, _, _) => throw Make(type));
            root.Add(failing);
            int code = root.Parse(["--root", Path.GetTempPath(), "--log", log, "--log-format", "json", "state"]).Invoke();

            Assert.Equal(1, code);
            var entry = JsonNode.Parse(Assert.Single(File.ReadAllLines(log)))!.AsObject();
            Assert.Equal("error", (string)entry["level"]!);
            Assert.StartsWith($"state: internal error: {type}: ", (string)entry["msg"]!);
            Assert.DoesNotContain("\n", (string)entry["msg"]!);
        }
        finally { File.Delete(log); }
    }

    [Fact]
    public void Our_own_errors_are_said_as_they_are()
    {
        Assert.Equal("container does not exist: \"x\"", CommandRunner.Describe(new ContainerNotFound("x")));
        Assert.Equal("internal error: FormatException: a b", CommandRunner.Describe(new FormatException("a\n b")));
    }
}
