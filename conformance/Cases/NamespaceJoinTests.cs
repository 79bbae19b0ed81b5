using System.Text.Json.Nodes;
using Conformance.Runtime;
using Conformance.Support;

namespace Conformance.Cases;

/// <summary>
/// config-linux.md namespaces with `path`: joining the namespaces of another process,
/// which is how every pod-based engine (kubelet through containerd or CRI-O) puts its
/// containers into the sandbox's network and ipc namespaces.
/// </summary>
public class NamespaceJoinTests
{
    const string ConfigLinuxMd = "config-linux.md";

    static void SetNamespacePath(TestContainer c, string type, string path)
    {
        foreach (var ns in c.Bundle.Namespaces.OfType<JsonObject>().Where(n => (string?)n["type"] == type))
            ns["path"] = path;
    }

    [Fact]
    [Spec(ConfigLinuxMd, "The runtime MUST place the container process in the namespace associated with that `path`.")]
    public void NamespacePath_JoinsOtherContainersNetworkAndIpc()
    {
        using var sandbox = new TestContainer();
        sandbox.Bundle.Args("sleep", "60");
        sandbox.MustCreate();
        int pid = (int)sandbox.StateJson()["pid"]!;
        string net = new FileInfo($"/proc/{pid}/ns/net").LinkTarget!;
        string ipc = new FileInfo($"/proc/{pid}/ns/ipc").LinkTarget!;

        using var c = new TestContainer();
        SetNamespacePath(c, "network", $"/proc/{pid}/ns/net");
        SetNamespacePath(c, "ipc", $"/proc/{pid}/ns/ipc");
        c.Bundle.Shell("readlink /proc/self/ns/net; readlink /proc/self/ns/ipc");
        var lines = Probe.RunOk(c).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([net, ipc], lines);
    }

    [Fact]
    [Spec(ConfigLinuxMd, "The runtime MUST generate an error if `path` is not associated with a namespace of type `type`.")]
    public void NamespacePath_OfWrongType_Fails()
    {
        using var c = new TestContainer();
        // A uts namespace file offered as the network namespace.
        SetNamespacePath(c, "network", "/proc/self/ns/uts");
        c.Bundle.Args("true");
        var r = c.Create();
        Assert.False(r.Succeeded, $"create joined a uts namespace file as network: {r}");
    }

    [Fact]
    [Spec(ConfigLinuxMd, "If a `namespaces` field contains duplicated namespaces with same `type`, the runtime MUST generate an error.")]
    [Trait("KnownFailure", "crun")]
    public void DuplicateNamespaceType_Fails()
    {
        // crun 1.8.1 fails this: it accepts the second entry silently. The sentence is a
        // MUST and runc refuses the config, so the case stays.
        using var c = new TestContainer();
        c.Bundle.AddNamespace("ipc");
        c.Bundle.Args("true");
        var r = c.Create();
        Assert.False(r.Succeeded, $"create accepted two ipc namespaces: {r}");
    }
}
