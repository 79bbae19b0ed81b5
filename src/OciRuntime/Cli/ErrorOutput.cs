using System.Text.Json;

namespace OciRuntime.Cli;

/// <summary>Reports a failed command: one line on stderr, and the same in --log (text or runc's JSON lines).</summary>
internal static class ErrorOutput
{
    internal static void Report(GlobalOptions? g, string command, string message)
    {
        string line = $"ocirun {command}: {message}";
        Console.Error.WriteLine(line);
        LogOnly(g, command, message);
    }

    /// <summary>Only the --log line (stderr has it already): containerd's shim reads the reason from the log alone.</summary>
    internal static void LogOnly(GlobalOptions? g, string command, string message)
    {
        if (g?.Log is null) return;
        try
        {
            string time = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            string text = g.LogFormat == "json"
                ? JsonSerializer.Serialize(new LogLine("error", $"{command}: {message}", time), RuntimeJsonContext.Default.LogLine)
                : $"time=\"{time}\" level=error msg=\"{command}: {message.Replace("\"", "\\\"")}\"";
            File.AppendAllText(g.Log, text + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ocirun: cannot write log {g.Log}: {e.Message}");
        }
    }
}
