using Conformance.Runtime;

namespace Conformance.Support;

/// <summary>Helpers for cases that look at a container from inside: run it, read stdout.</summary>
public static class Probe
{
    /// <summary>`run`s the container, asserts exit 0 and returns what the process printed.</summary>
    public static string RunOk(TestContainer c)
    {
        var r = c.Run();
        Assert.True(r.Succeeded, $"run failed: {r}");
        return r.Stdout;
    }

    /// <summary>Value of a "Key:\tvalue" line of /proc/self/status-like text.</summary>
    public static string Field(string text, string key)
    {
        foreach (var line in text.Split('\n'))
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return line[(key.Length + 1)..].Trim();
        throw new Xunit.Sdk.XunitException($"no '{key}:' line in:\n{text}");
    }

    /// <summary>True when the host pid is gone or a zombie (dead but not yet reaped).</summary>
    public static bool IsDead(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            // state is the field after the parenthesised command name
            return stat[(stat.LastIndexOf(')') + 2)] is 'Z' or 'X';
        }
        catch (IOException) { return true; }
    }

    public static bool WaitDead(int pid, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!IsDead(pid))
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(50);
        }
        return true;
    }
}
