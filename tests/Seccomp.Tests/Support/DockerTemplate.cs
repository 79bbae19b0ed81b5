using System.Text.Json;
using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// Resolves Docker's profile template (moby's format: archMap, includes/excludes by arch, caps, minKernel)
/// into a runtime-spec profile the way moby's setupSeccomp does, so the tests can also use Docker's
/// profile for other arches (arm64 + arm) and for a container with every capability.
/// </summary>
public static class DockerTemplate
{
    public static readonly string[] DefaultCaps =
    [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ];

    /// <param name="goArch">moby's arch name: amd64, arm64, ...</param>
    public static SeccompProfile Resolve(string goArch, IReadOnlyCollection<string> caps, string kernel = "6.1")
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TestData.Path("docker-default.template.json")));
        var root = doc.RootElement;
        string native = goArch switch { "amd64" => "SCMP_ARCH_X86_64", "arm64" => "SCMP_ARCH_AARCH64", _ => throw new ArgumentException(goArch) };
        var arches = new List<string>();
        foreach (var m in root.GetProperty("archMap").EnumerateArray())
            if (m.GetProperty("architecture").GetString() == native)
            {
                arches.Add(native);
                if (m.TryGetProperty("subArchitectures", out var subs) && subs.ValueKind == JsonValueKind.Array)
                    arches.AddRange(subs.EnumerateArray().Select(s => s.GetString()!));
            }

        var rules = new List<SeccompRule>();
        foreach (var call in root.GetProperty("syscalls").EnumerateArray())
        {
            var exc = call.TryGetProperty("excludes", out var e) ? e : default;
            var inc = call.TryGetProperty("includes", out var i) ? i : default;
            if (Strings(exc, "arches").Contains(goArch)) continue;
            if (Strings(exc, "caps").Any(caps.Contains)) continue;
            if (MinKernel(exc) is Version ex && Version.Parse(kernel) >= ex) continue;
            var incArches = Strings(inc, "arches");
            if (incArches.Count > 0 && !incArches.Contains(goArch)) continue;
            if (Strings(inc, "caps").Any(c => !caps.Contains(c))) continue;
            if (MinKernel(inc) is Version mk && Version.Parse(kernel) < mk) continue;
            rules.Add(ProfileJson.Parse($$"""{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{{call.GetRawText()}}]}""").Syscalls[0]);
        }
        var def = ProfileJson.Parse(root.GetRawText());
        return new SeccompProfile(def.DefaultAction, def.DefaultErrnoRet, arches, [], rules);
    }

    private static List<string> Strings(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray().Select(x => x.GetString()!).ToList() : [];

    private static Version? MinKernel(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("minKernel", out var p) && p.GetString() is string s ? Version.Parse(s) : null;
}
