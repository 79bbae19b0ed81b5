using System.Text.Json;
using System.Text.Json.Nodes;

namespace OciRuntime.Tests.Support;

/// <summary>A bundle in a temp dir: the busybox rootfs and a config.json the test edits as JSON.</summary>
public sealed class Bundle
{
    private static readonly Lazy<string> DefaultConfig = new(() =>
    {
        string dir = Directory.CreateTempSubdirectory("ocirun-test-spec-").FullName;
        var r = RuntimeBinary.Run(["spec", "--bundle", dir]);
        if (r.ExitCode != 0) throw new InvalidOperationException("ocirun spec failed: " + r);
        string text = File.ReadAllText(Path.Join(dir, "config.json"));
        Directory.Delete(dir, true);
        return text;
    });

    public string Dir { get; }
    public JsonObject Config { get; }
    public string Rootfs => Path.Join(Dir, "rootfs");

    internal Bundle(string dir, params string[] args)
    {
        Dir = dir;
        Directory.CreateDirectory(dir);
        RootfsTemplate.CopyTo(Rootfs);
        Config = JsonNode.Parse(DefaultConfig.Value)!.AsObject();
        Process["terminal"] = false;
        if (args.Length > 0) Args(args);
    }

    public JsonObject Process => Config["process"]!.AsObject();
    public JsonObject Linux => Config["linux"]!.AsObject();

    public Bundle Args(params string[] args)
    {
        Process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        return this;
    }

    /// <summary>Runs the shell snippet in the container.</summary>
    public Bundle Shell(string script) => Args("sh", "-c", script);

    public Bundle Edit(Action<JsonObject> edit)
    {
        edit(Config);
        return this;
    }

    public void Save() => File.WriteAllText(Path.Join(Dir, "config.json"), Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
}
