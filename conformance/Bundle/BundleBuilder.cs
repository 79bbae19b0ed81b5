using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Support;

namespace Conformance.Bundle;

/// <summary>
/// One OCI bundle in its own temp dir: a copy of the cached busybox rootfs and a
/// config.json that cases edit as a JSON object model before it is written.
/// </summary>
public sealed class BundleBuilder : IDisposable
{
    readonly TempDir _dir = new("bundle");

    public string Path => _dir.Path;
    public string RootfsPath => System.IO.Path.Combine(Path, "rootfs");
    public string ConfigPath => System.IO.Path.Combine(Path, "config.json");

    /// <summary>The config.json to be written; starts as <see cref="DefaultConfig"/>.</summary>
    public JsonObject Config { get; } = DefaultConfig.Create();

    public JsonObject Process => Config["process"]!.AsObject();
    public JsonObject Linux => Config["linux"]!.AsObject();
    public JsonArray Mounts => Config["mounts"]!.AsArray();
    public JsonArray Namespaces => Linux["namespaces"]!.AsArray();

    public BundleBuilder()
    {
        RootfsCache.CopyTo(RootfsPath);
    }

    /// <summary>The process runs these arguments.</summary>
    public BundleBuilder Args(params string[] args)
    {
        Process["args"] = new JsonArray(args.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray());
        return this;
    }

    /// <summary>The process runs `sh -c script` (busybox sh).</summary>
    public BundleBuilder Shell(string script) => Args("sh", "-c", script);

    public BundleBuilder AddMount(string destination, string type, string source, params string[] options)
    {
        var mount = new JsonObject { ["destination"] = destination, ["type"] = type, ["source"] = source };
        if (options.Length > 0)
            mount["options"] = new JsonArray(options.Select(o => (JsonNode)JsonValue.Create(o)!).ToArray());
        Mounts.Add(mount);
        return this;
    }

    public BundleBuilder AddNamespace(string type)
    {
        Namespaces.Add(new JsonObject { ["type"] = type });
        return this;
    }

    public BundleBuilder RemoveNamespace(string type)
    {
        foreach (var ns in Namespaces.Where(n => (string?)n!["type"] == type).ToList())
            Namespaces.Remove(ns);
        return this;
    }

    /// <summary>Makes a directory inside the rootfs (e.g. a mount point), mode 0755.</summary>
    public string MakeRootfsDir(string pathInContainer)
    {
        string full = System.IO.Path.Combine(RootfsPath, pathInContainer.TrimStart('/'));
        Directory.CreateDirectory(full);
        return full;
    }

    /// <summary>Makes a directory in the bundle beside the rootfs, to serve as a bind-mount source.</summary>
    public string MakeHostDir(string name)
    {
        string full = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(full);
        File.SetUnixFileMode(full, RootfsCache.Mode755);
        return full;
    }

    public void Write() =>
        File.WriteAllText(ConfigPath, Config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public void Dispose() => _dir.Dispose();
}
