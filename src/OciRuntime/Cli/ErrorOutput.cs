using System.Text.Json;

namespace OciRuntime.Cli;

/// <summary>Reports a failed command: one line on stderr, and the same in --log (text or runc's JSON lines).</summary>
internal static class ErrorOutput
{
    internal static void Report(GlobalOptions? g, string command, string message)
    {
        string line = $"ocirun {command}: {message}";
        Console.Error.WriteLine(line);
        LogOnly(g?.Log, g?.LogFormat ?? "text", command, message);
    }

    /// <summary>The error line in --log only (the caller has said it on stderr in its own words): containerd's shim
    /// reads the reason from the log alone.</summary>
    internal static void LogOnly(string? log, string format, string command, string message)
    {
        if (log is null) return;
        try
        {
            string time = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ");
            string text = format == "json"
                ? JsonSerializer.Serialize(new LogLine("error", $"{command}: {message}", time), RuntimeJsonContext.Default.LogLine)
                : $"time=\"{time}\" level=error msg=\"{command}: {message.Replace("\"", "\\\"")}\"";
            File.AppendAllText(log, text + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ocirun: cannot write log {log}: {e.Message}");
        }
    }

    /// <summary>
    /// --log exists from the start of every command, empty when all went well, as runc makes it. containerd's shim
    /// reads it after any failure: without the file it reports "unable to retrieve OCI runtime error (open
    /// log.json: no such file or directory)" in place of ocirun's exit status and output.
    /// </summary>
    internal static void CreateLog(string? log)
    {
        if (log is null) return;
        try { using var _ = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ocirun: cannot open log {log}: {e.Message}");
        }
    }
}
