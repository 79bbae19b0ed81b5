using System.Text.RegularExpressions;
using OciSpec.Validation;

namespace OciSpec.Tests.Validation;

/// <summary>The hand-written format checks agree with the expressions they replace (semver.org's for SemVer).</summary>
public class SyntaxTests
{
    private static readonly Regex SemVer = new(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$");
    private static readonly Regex Cap = new(@"^CAP_[A-Z0-9_]+$");
    private static readonly Regex Page = new(@"^[0-9]+[KMGTPE]?B$");

    private static readonly string[] Versions =
    [
        "1.0.0", "1.2.1", "0.0.0", "10.20.30", "1.0.0-rc.1", "1.0.2-dev", "1.0.0-alpha.beta.1", "1.0.0-0A.is.legal",
        "1.0.0+build.1", "1.0.0-rc1+meta-data.7", "1.0.0-x-y-z.--", "01.0.0", "1.01.0", "1.0", "1.0.0.0", "1.0.0-",
        "1.0.0+", "1.0.0-01", "1.0.0-rc..1", "1.0.0+a..b", "v1.0.0", "", "1.0.0-ß", "1.0.0+001", "1.0.0-00", "1.0.0-0",
    ];

    [Fact]
    public void SemVer_agrees_with_semver_orgs_expression()
    {
        foreach (var v in Versions) Assert.True(SemVer.IsMatch(v) == Syntax.IsSemVer(v), v);
    }

    [Fact]
    public void Capability_and_page_size_shapes_agree_with_their_expressions()
    {
        foreach (var c in new[] { "CAP_CHOWN", "CAP_", "cap_chown", "CAP_SYS_ADMIN2", "CAP_a", "CHOWN", "CAP_X-Y" })
            Assert.True(Cap.IsMatch(c) == Syntax.IsCapabilityShape(c), c);
        foreach (var p in new[] { "2MB", "64KB", "1GB", "4B", "B", "MB", "2mB", "2XB", "12345EB", "2 MB", "-2MB" })
            Assert.True(Page.IsMatch(p) == Syntax.IsPageSize(p), p);
    }
}
