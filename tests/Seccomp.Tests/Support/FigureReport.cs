using Xunit.Abstractions;

namespace Seccomp.Tests.Support;

/// <summary>
/// Figures a test run reports: to the test output (shown with <c>--logger "console;verbosity=detailed"</c>) and
/// appended to <c>seccomp-figures.txt</c> next to the test assembly, so a plain run leaves them somewhere to read.
/// </summary>
public static class FigureReport
{
    private static readonly object Gate = new();

    public static string File => Path.Join(AppContext.BaseDirectory, "seccomp-figures.txt");

    public static void Line(ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        lock (Gate) System.IO.File.AppendAllText(File, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}\n");
    }
}
