using OciRuntime.Tests.Support;
using OciRuntime.Tests.Unit.Honesty;

namespace OciRuntime.Tests.Unit;

/// <summary>
/// No test returns early as passed: a test that cannot run on a host is reported as skipped, with the reason
/// (Skip.If in a SkippableFact), so the totals say what was checked.
/// </summary>
public sealed class TestHonestyTests
{
    [Fact]
    public void No_test_in_any_test_project_returns_early()
    {
        var projects = TestSources.Projects(RuntimeBinary.RepoRoot).ToList();
        var names = projects.Select(p => Path.GetRelativePath(RuntimeBinary.RepoRoot, p)).ToList();
        // The walk found every test project and its sources, so an empty result below means clean rather than
        // unscanned (a project that stopped naming the package "xunit", say for xunit.v3, would drop out silently).
        string[] expected = ["conformance", "tests/Cri.Tests", "tests/Engines.Tests", "tests/GuestHost.Tests",
            "tests/OciRuntime.Tests", "tests/OciSpec.Tests", "tests/Seccomp.Tests"];
        Assert.Superset(new HashSet<string>(expected), new HashSet<string>(names));

        var files = projects.SelectMany(TestSources.Files).ToList();
        Assert.All(projects, p => Assert.Contains(files, f => f.StartsWith(p + "/", StringComparison.Ordinal)));

        var found = files
            .SelectMany(f => EarlyReturnFinder.Find(File.ReadAllText(f), Path.GetRelativePath(RuntimeBinary.RepoRoot, f)))
            .ToList();
        Assert.True(found.Count == 0,
            "tests that return early count as passed; use [SkippableFact] and Skip.If(condition, reason):\n" + string.Join('\n', found));
    }

    private const string Dirty = """
        using Xunit;
        public class T
        {
            [Fact]
            public void Skips_by_returning()
            {
                if (System.Environment.ProcessorCount < 2) return;
                Assert.True(true);
            }

            [Xunit.TheoryAttribute]
            [InlineData(1)]
            public void Returns_in_a_nested_block(int n)
            {
                foreach (var x in new[] { n })
                {
                    if (x > 0) { return; }
                }
            }

            [Fact]
            public System.Threading.Tasks.Task Returns_a_task_early()
            {
                if (System.Environment.ProcessorCount < 2) return System.Threading.Tasks.Task.CompletedTask;
                return System.Threading.Tasks.Task.Delay(1);
            }
        }
        """;

    private const string Clean = """
        using Xunit;
        public class T
        {
            [SkippableFact]
            public async System.Threading.Tasks.Task Skips_honestly_and_returns_only_inside_functions()
            {
                Skip.If(System.Environment.ProcessorCount < 2, "needs two CPUs");
                System.Func<int, int> f = x => { if (x > 0) return x; return 0; };
                int Local() { return 1; }
                System.Action a = delegate { return; };
                await System.Threading.Tasks.Task.Yield();
                Assert.Equal(1, Local() + f(0));
            }

            [Fact]
            public System.Threading.Tasks.Task Ends_with_its_task() { return System.Threading.Tasks.Task.CompletedTask; }

            [Fact]
            public void Has_an_expression_body() => System.Console.WriteLine();

            public void Not_a_test() { return; }
        }
        """;

    [Fact]
    public void The_finder_names_each_early_return_by_file_line_and_method()
    {
        var found = EarlyReturnFinder.Find(Dirty, "Dirty.cs").ToList();
        Assert.Equal(
            [
                "Dirty.cs:7: Skips_by_returning: return;",
                "Dirty.cs:17: Returns_in_a_nested_block: return;",
                "Dirty.cs:24: Returns_a_task_early: return System.Threading.Tasks.Task.CompletedTask;",
            ],
            found.Select(f => f.ToString()));
    }

    [Fact]
    public void Skips_and_returns_inside_lambdas_or_local_functions_are_not_reported()
    {
        Assert.Empty(EarlyReturnFinder.Find(Clean, "Clean.cs"));
    }
}
