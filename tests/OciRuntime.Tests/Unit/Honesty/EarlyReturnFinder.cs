using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace OciRuntime.Tests.Unit.Honesty;

/// <summary>A test method that can end before its asserts without the runner hearing of it.</summary>
public sealed record EarlyReturn(string File, int Line, string Method, string Statement)
{
    public override string ToString() => $"{File}:{Line}: {Method}: {Statement}";
}

/// <summary>
/// Finds returns in xunit test methods. A test that returns early is counted as passed though it checked nothing;
/// one that cannot run on a host must say so with Skip.If, which the runner counts as skipped.
/// </summary>
public static class EarlyReturnFinder
{
    // Matched on the attribute's last name, so Xunit.Fact, FactAttribute and SkippableTheory all count.
    private static readonly string[] TestAttributes = ["Fact", "Theory", "SkippableFact", "SkippableTheory"];

    public static IEnumerable<EarlyReturn> Find(string source, string file)
    {
        var root = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview), file).GetRoot();
        foreach (var method in root.DescendantNodes().OfType<MethodDeclarationSyntax>().Where(IsTest))
        {
            SyntaxNode? body = (SyntaxNode?)method.Body ?? method.ExpressionBody;
            if (body is null) continue;
            // The one return that ends nothing early: a non-void test's final statement (return task;).
            var last = method.Body?.Statements.LastOrDefault() as ReturnStatementSyntax;
            foreach (var ret in body.DescendantNodes(n => !IsNestedFunction(n)).OfType<ReturnStatementSyntax>())
            {
                if (ret == last && ret.Expression is not null) continue;
                int line = ret.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                yield return new EarlyReturn(file, line, method.Identifier.Text, ret.ToString());
            }
        }
    }

    private static bool IsTest(MethodDeclarationSyntax m) =>
        m.AttributeLists.SelectMany(l => l.Attributes).Any(a => TestAttributes.Contains(LastName(a.Name)));

    private static string LastName(NameSyntax name)
    {
        string n = name switch
        {
            QualifiedNameSyntax q => q.Right.Identifier.Text,
            AliasQualifiedNameSyntax a => a.Name.Identifier.Text,
            SimpleNameSyntax s => s.Identifier.Text,
            _ => name.ToString(),
        };
        return n.EndsWith("Attribute", StringComparison.Ordinal) ? n[..^"Attribute".Length] : n;
    }

    // A return inside a lambda or a local function ends that function, not the test.
    private static bool IsNestedFunction(SyntaxNode n) =>
        n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax;
}
