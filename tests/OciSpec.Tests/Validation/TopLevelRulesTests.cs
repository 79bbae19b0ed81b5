namespace OciSpec.Tests.Validation;

public class TopLevelRulesTests
{
    [Fact]
    public void SpecErrorToStringIsPathColonMessage() =>
        Assert.Equal("process.args: must not be empty", new SpecError("process.args", "must not be empty").ToString());

    [Fact]
    public void OciVersionMustBePresent() => V.Fails("ociVersion: must be present", d => d.Remove("ociVersion"));

    [Fact]
    public void OciVersionMustBeSemVer() =>
        V.Fails("ociVersion: must be a SemVer 2.0.0 version, got \"1.0\"", d => d["ociVersion"] = "1.0");

    [Fact]
    public void OciVersionMustBeOneX() =>
        V.Fails("ociVersion: unsupported version \"2.0.0\": this runtime implements 1.x", d => d["ociVersion"] = "2.0.0");

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("1.0.2-dev")]
    [InlineData("1.1.0-rc.2")]
    [InlineData("1.2.0+build.5")]
    [InlineData("1.3.0")]
    public void OciVersionOneXPasses(string version) => V.Passes(d => d["ociVersion"] = version);

    [Fact]
    public void RootMustBePresent() => V.Fails("root: must be present", d => d.Remove("root"));

    [Fact]
    public void RootPathMustNotBeEmpty() => V.Fails("root.path: must not be empty", d => d["root"]!["path"] = "");

    [Fact]
    public void RootPathMayBeRelativeOrAbsolute() => V.Passes(d => d["root"]!["path"] = "/var/lib/c/rootfs");

    [Fact]
    public void HostnameRequiresUtsNamespace() =>
        V.Fails("hostname: requires a uts namespace in linux.namespaces", d => d.RemoveNamespace("uts"));

    [Fact]
    public void HostnameWithJoinedUtsNamespacePasses() => V.Passes(d =>
    {
        d.RemoveNamespace("uts");
        d.AddNamespace("uts", "/proc/42/ns/uts");
    });

    [Fact]
    public void NoHostnameNeedsNoUtsNamespace() => V.Passes(d => { d.Remove("hostname"); d.RemoveNamespace("uts"); });

    [Fact]
    public void DomainnameRequiresUtsNamespace() => V.Fails("domainname: requires a uts namespace in linux.namespaces", d =>
    {
        d.Remove("hostname");
        d["domainname"] = "example.org";
        d.RemoveNamespace("uts");
    });

    [Fact]
    public void UtsNamesFitTheKernelLimit()
    {
        V.Fails("hostname: must be at most 64 bytes, got 65", d => d["hostname"] = new string('h', 65));
        V.Fails("domainname: must be at most 64 bytes, got 66", d => d["domainname"] = new string('é', 33));
        V.Passes(d => d["hostname"] = new string('h', 64));
    }

    [Fact]
    public void DomainnameWithUtsPasses() => V.Passes(d => d["domainname"] = "example.org");

    [Fact]
    public void AnnotationKeysMustNotBeEmpty() =>
        V.Fails("annotations: keys must not be empty", d => d["annotations"] = V.N("""{"":"x","com.example.a":""}"""));

    [Fact]
    public void AnnotationValuesMayBeEmpty() => V.Passes(d => d["annotations"] = V.N("""{"com.example.a":""}"""));

    [Fact]
    public void ProcessIsOptional() => V.Passes(d => d.Remove("process"));

    [Fact]
    public void AllErrorsAreReportedTogether()
    {
        List<string> errors = V.Errors(d =>
        {
            d["ociVersion"] = "";
            d.Process()["cwd"] = "tmp";
            d.Linux()["rootfsPropagation"] = "sideways";
        });
        Assert.Equal(3, errors.Count);
    }
}
