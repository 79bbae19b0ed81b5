using System.Text.Json.Nodes;

namespace OciRuntime.Tests.Support;

/// <summary>
/// One test's world: its own --root, bundles and container ids (prefix ocirun-test-). Dispose deletes every
/// container and then checks that nothing is left: no state entry, cgroup, process or mount. A leak fails the test.
/// </summary>
public sealed class Sandbox : IDisposable
{
    // World-readable, so a container's mapped root (user namespace) can reach its rootfs.
    private readonly string _dir = MakeDir();

    private static string MakeDir()
    {
        var d = Directory.CreateTempSubdirectory("ocirun-test-");
        File.SetUnixFileMode(d.FullName, (UnixFileMode)0x1ed);
        return d.FullName;
    }
    private readonly List<string> _ids = [];
    private int _bundles;

    public string Root => Path.Join(_dir, "root");

    public string NewId()
    {
        string id = "ocirun-test-" + Guid.NewGuid().ToString("N")[..12];
        _ids.Add(id);
        return id;
    }

    public Bundle NewBundle(params string[] args) => new(Path.Join(_dir, $"bundle{_bundles++}"), args);

    public RunResult Oci(params string[] args) => RuntimeBinary.Run(["--root", Root, .. args]);

    public RunResult OciWithStdin(string stdin, params string[] args) => RuntimeBinary.Run(["--root", Root, .. args], stdin);

    /// <summary>`run` of a saved bundle; returns the result (stdout is the container's).</summary>
    public RunResult Run(Bundle b, string? id = null)
    {
        b.Save();
        return Oci("run", "--bundle", b.Dir, id ?? NewId());
    }

    public JsonObject State(string id)
    {
        var r = Oci("state", id);
        if (r.ExitCode != 0) throw new InvalidOperationException("state failed: " + r);
        return JsonNode.Parse(r.Stdout)!.AsObject();
    }

    public void Dispose()
    {
        foreach (var id in _ids) Oci("delete", "--force", id);
        var leftovers = Residue.Find(Root, _ids, _dir);
        try { Directory.Delete(_dir, true); } catch (IOException) { }
        if (leftovers.Count > 0) throw new InvalidOperationException("test left residue: " + string.Join("; ", leftovers));
    }
}
