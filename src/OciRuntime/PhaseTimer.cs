using System.Diagnostics;

namespace OciRuntime;

/// <summary>
/// Timing breakdown of a command by phase, printed with --debug or OCIRUN_TRACE=1
/// ("why does my container take 40 ms to start?").
/// </summary>
internal sealed class PhaseTimer(bool enabled, string command)
{
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _last = Stopwatch.GetTimestamp();
    private readonly List<(string, double)> _phases = [];
    public bool Enabled { get; } = enabled;

    public void Mark(string phase)
    {
        if (!Enabled) return;
        long now = Stopwatch.GetTimestamp();
        _phases.Add((phase, Stopwatch.GetElapsedTime(_last, now).TotalMilliseconds));
        _last = now;
    }

    /// <summary>Adds a phase measured elsewhere (init reports its own).</summary>
    public void Add(string phase, double ms) { if (Enabled) _phases.Add((phase, ms)); }

    public void Report(TextWriter w)
    {
        if (!Enabled) return;
        double total = Stopwatch.GetElapsedTime(_start).TotalMilliseconds;
        var parts = string.Join(" ", _phases.Select(p => $"{p.Item1}={p.Item2:0.000}"));
        w.WriteLine($"ocirun {command} timing (ms): {parts} total={total:0.000}");
    }

    internal static bool FromEnvironment() => Environment.GetEnvironmentVariable("OCIRUN_TRACE") is "1" or "true";
}
