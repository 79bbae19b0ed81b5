using OciRuntime.Security;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>Reads and checks a bundle's config.json: the spec's static rules, then the ones that need this host.</summary>
internal static class SpecLoading
{
    internal static Spec Load(string bundle, PhaseTimer? timer = null)
    {
        string path = Path.Join(bundle, "config.json");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (FileNotFoundException) { throw new RuntimeError($"config.json: not found in bundle {bundle}"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new RuntimeError($"config.json: {e.Message}"); }
        timer?.Mark("read-config");
        Spec spec;
        try { spec = OciJson.ParseSpec(bytes); }
        catch (SpecFormatException e) { throw new RuntimeError(e.Message); }
        timer?.Mark("parse");
        CheckStatic(spec);
        timer?.Mark("validate");
        CheckHost(spec, bundle);
        return spec;
    }

    internal static void CheckStatic(Spec spec)
    {
        var errors = SpecValidator.Validate(spec);
        if (errors.Count == 1) throw new RuntimeError(errors[0].ToString());
        if (errors.Count > 1) throw new RuntimeError($"{errors[0]} (and {errors.Count - 1} more: {string.Join("; ", errors.Skip(1).Select(e => e.ToString()))})");
        if (spec.Process is null) throw new RuntimeError("process: must be present to create a container");
    }

    /// <summary>Rules that depend on this machine: the rootfs exists, namespace files are what they claim,
    /// the kernel knows each capability.</summary>
    internal static void CheckHost(Spec spec, string bundle)
    {
        string rootfs = RootfsOf(spec, bundle);
        if (!Directory.Exists(rootfs))
            throw new RuntimeError(File.Exists(rootfs) ? $"root.path: {spec.Root!.Path} is not a directory" : $"root.path: {rootfs} does not exist");
        var nss = spec.Linux?.Namespaces ?? [];
        for (int i = 0; i < nss.Count; i++)
        {
            var ns = nss[i];
            if (string.IsNullOrEmpty(ns.Path)) continue;
            string? link = null;
            try { link = File.ResolveLinkTarget(ns.Path, false)?.Name; } catch (IOException) { }
            if (!File.Exists(ns.Path)) throw new RuntimeError($"linux.namespaces[{i}].path: {ns.Path} does not exist");
            string want = ns.Type switch { "network" => "net", "mount" => "mnt", _ => ns.Type };
            // /proc/[pid]/ns/* are links named like "net:[4026531840]"; a bind-mounted namespace file is not.
            if (link is not null && link.Contains(":[", StringComparison.Ordinal) && !link.StartsWith(want + ":[", StringComparison.Ordinal))
                throw new RuntimeError($"linux.namespaces[{i}].path: {ns.Path} is a {link[..link.IndexOf(':')]} namespace, not {ns.Type}");
        }
    }

    internal static string RootfsOf(Spec spec, string bundle)
    {
        string p = spec.Root?.Path ?? throw new RuntimeError("root.path: missing");
        return Path.GetFullPath(p.StartsWith('/') ? p : Path.Join(bundle, p));
    }
}
