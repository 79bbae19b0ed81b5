using Xunit.Abstractions;

namespace GuestHost.Tests;

/// <summary>Turns a guest suite's lines into test results.</summary>
internal static class GuestVerdict
{
    /// <summary>The guest booted, the suite printed its closing line and left nothing behind.</summary>
    internal static void Completed(GuestSuite s, ITestOutputHelper output)
    {
        Skip.If(s.Unavailable is not null, s.Unavailable);
        output.WriteLine($"guest ready after {s.BootSeconds:0.0}s of guest uptime; boot, suite and power-off took {s.WallSeconds:0.0}s");
        output.WriteLine(s.Transcript);
        Assert.True(s.Summary.Length > 0, "the suite did not print its closing line:\n" + s.Transcript);
        Assert.DoesNotContain("FAIL residue", s.Transcript);
    }

    /// <summary>
    /// One case for one runtime: PASS passes, SKIP skips with the suite's reason, FAIL fails with its message. For the
    /// runtimes we compare with (<paramref name="differenceIsSkip"/>), a FAIL where ocirun passes is a skip that
    /// says how they differ: theirs to know, not ours to fix.
    /// </summary>
    internal static void Check(GuestSuite s, ITestOutputHelper output, string runtime, string name, bool differenceIsSkip)
    {
        Skip.If(s.Unavailable is not null, s.Unavailable);
        if (!s.Results.TryGetValue((runtime, name), out var r))
            Assert.Fail($"{runtime}/{name}: the guest printed no line for it:\n{s.Transcript}");
        output.WriteLine($"{r.Verdict} {runtime}/{name}{r.Detail}");
        Skip.If(r.Verdict == "SKIP", r.Detail.TrimStart(':', ' '));
        if (r.Verdict == "FAIL" && differenceIsSkip)
        {
            bool oursPasses = s.Results.TryGetValue(("ocirun", name), out var ours) && ours.Verdict == "PASS";
            Skip.If(oursPasses, $"{runtime} differs from ocirun here:{r.Detail.TrimStart(':')}");
        }
        Assert.True(r.Verdict == "PASS", $"{runtime}/{name}{r.Detail}");
    }
}
