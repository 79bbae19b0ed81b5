namespace OciSpec.Tests;

public class SpecNamespacesTests
{
    private static readonly Spec Config = OciJson.ParseSpec(Json.Utf8(TestData.Examples.ConfigLinuxSnippets));

    [Fact]
    public void CreatedJoinedAndInherited()
    {
        Assert.True(SpecNamespaces.CreatesNew(Config, NamespaceKind.Mount));
        Assert.False(SpecNamespaces.CreatesNew(Config, NamespaceKind.Pid));
        Assert.Equal("/proc/1234/ns/pid", SpecNamespaces.JoinPath(Config, NamespaceKind.Pid));
        Assert.Null(SpecNamespaces.JoinPath(Config, NamespaceKind.Mount));

        Spec bare = SpecTemplates.Default() with { Linux = null };
        Assert.Null(SpecNamespaces.Find(bare, NamespaceKind.Pid));
        Assert.False(SpecNamespaces.CreatesNew(bare, NamespaceKind.Pid));
    }
}
