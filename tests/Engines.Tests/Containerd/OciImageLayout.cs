using System.Security.Cryptography;
using System.Text;
using Engines.Tests.Support;

namespace Engines.Tests.Containerd;

/// <summary>
/// Wraps a rootfs tar in an OCI image layout archive (oci-layout, index.json, manifest, config, one uncompressed layer),
/// the form `ctr image import` takes: containerd has no `import` from a plain rootfs tarball and no registry is reachable.
/// </summary>
internal static class OciImageLayout
{
    /// <summary>
    /// Writes <paramref name="archive"/>: an image named <paramref name="name"/> whose only layer is <paramref name="rootfsTar"/>,
    /// running `sh`, or <paramref name="entrypoint"/> when given (the CRI tests' pause image).
    /// </summary>
    internal static void Write(string rootfsTar, string name, string workDir, string archive, IReadOnlyList<string>? entrypoint = null)
    {
        string layout = Path.Join(workDir, "layout");
        string blobs = Path.Join(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);

        // An uncompressed layer: its digest is also its diff_id.
        string layerDigest = Sha256Hex(File.ReadAllBytes(rootfsTar));
        long layerSize = new FileInfo(rootfsTar).Length;
        File.Copy(rootfsTar, Path.Join(blobs, layerDigest), overwrite: true);

        var (configDigest, configSize) = Blob(blobs,
            "{\"architecture\":\"amd64\",\"os\":\"linux\"," +
            "\"config\":{\"Env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"]," +
            (entrypoint is null ? "\"Cmd\":[\"sh\"]}," : $"\"Entrypoint\":{System.Text.Json.JsonSerializer.Serialize(entrypoint)}}},") +
            $"\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[\"sha256:{layerDigest}\"]}}}}");
        var (manifestDigest, manifestSize) = Blob(blobs,
            "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:{configDigest}\",\"size\":{configSize}}}," +
            $"\"layers\":[{{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:{layerDigest}\",\"size\":{layerSize}}}]}}");
        // io.containerd.image.name gives ctr the full reference, so no --base-name is needed on import.
        File.WriteAllText(Path.Join(layout, "index.json"),
            "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"," +
            $"\"digest\":\"sha256:{manifestDigest}\",\"size\":{manifestSize}," +
            $"\"annotations\":{{\"io.containerd.image.name\":\"{name}\",\"org.opencontainers.image.ref.name\":\"latest\"}}}}]}}");
        File.WriteAllText(Path.Join(layout, "oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Cmd.Ok("tar", ["-C", layout, "-cf", archive, "."]);
        Directory.Delete(layout, true);
    }

    private static (string Digest, long Size) Blob(string blobs, string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        string digest = Sha256Hex(bytes);
        File.WriteAllBytes(Path.Join(blobs, digest), bytes);
        return (digest, bytes.Length);
    }

    private static string Sha256Hex(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
