using Seccomp.Tests.Support;
using Xunit.Abstractions;

namespace Seccomp.Tests;

/// <summary>Property: on seeded random profiles, ours = reference = libseccomp wherever the answer is unambiguous.</summary>
public class RandomProfileTests(ITestOutputHelper output)
{
    public static TheoryData<int> Batches() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(Batches))]
    public void AgreeWithLibseccomp(int batch)
    {
        const int perBatch = 75;
        int inputs = 0, compared = 0, ambiguous = 0, defects = 0, overlapping = 0;
        var failures = new List<string>();
        for (int seed = batch * perBatch; seed < (batch + 1) * perBatch; seed++)
        {
            var profile = RandomProfiles.Make(seed);
            var options = new CompileOptions { EnosysForUnknownSyscalls = seed % 5 != 0 };
            var report = Comparison.Run(profile, options, seed, randomArgVectors: 6);
            inputs += report.Inputs;
            compared += report.ComparedWithLibseccomp;
            ambiguous += report.Ambiguous;
            defects += report.LibseccompDefects;
            overlapping += report.Overlapping;
            if (report.Failures.Count > 0)
                failures.Add($"seed {seed}:\n  " + string.Join("\n  ", report.Failures.Take(6)));
        }
        output.WriteLine($"{perBatch} profiles, {inputs} inputs, {compared} compared with libseccomp, {ambiguous} ambiguous, {overlapping} on syscalls with overlapping rules of different actions (reference only), {defects} where libseccomp took a path through a jump on a path-dependent accumulator (its bug)");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(5)));
    }
}
