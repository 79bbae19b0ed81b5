namespace OciSpec.Validation;

/// <summary>config-linux.md "Devices" (<c>linux.devices</c>).</summary>
internal static class DeviceRules
{
    // dev_t as the kernel encodes it (MINORBITS 20): major < 2^12, minor < 2^20.
    private const long MaxMajor = (1 << 12) - 1;
    private const long MaxMinor = (1 << 20) - 1;
    private const uint S_IFMT = 0xf000;

    /// <summary>The S_IF* bits of a node of this type (c and u are both character devices).</summary>
    private static uint KindOf(string type) => type switch { "b" => 0x6000u, "p" => 0x1000u, _ => 0x2000u };

    private static bool IsTypeAndPermissions(uint mode, string type) =>
        (mode & ~(S_IFMT | 0xfffu)) == 0 && (mode & S_IFMT) == KindOf(type);

    public static void Check(List<LinuxDevice>? devices, Report r)
    {
        if (devices is null) return;
        for (int i = 0; i < devices.Count; i++)
        {
            string at = SpecPath.Index("linux.devices", i);
            LinuxDevice? d = devices[i];
            if (d is null) { r.Add(at, "must be an object, got null"); continue; }

            if (string.IsNullOrEmpty(d.Path))
                r.Add(SpecPath.Member(at, "path"), "must not be empty");
            else if (!Syntax.IsAbsolute(d.Path))
                r.Add(SpecPath.Member(at, "path"), $"must be an absolute path, got {SpecPath.Q(d.Path)}");

            if (d.Type is not ("c" or "b" or "u" or "p"))
            {
                r.Add(SpecPath.Member(at, "type"), $"unknown device type {SpecPath.Q(d.Type)} (expected c, b, u or p)");
                continue;
            }
            // major/minor are REQUIRED unless type is p. Like specs-go we cannot tell an absent number from 0, but
            // 0:0 is no real char/block device (major 0 is the kernel's "unnamed" range), so it means they were left out.
            if (d.Type != "p")
            {
                if (d.Major == 0 && d.Minor == 0)
                    r.Add(at, $"major and minor are required for type {d.Type} (0:0 is not a device)");
                if (d.Major < 0 || d.Major > MaxMajor)
                    r.Add(SpecPath.Member(at, "major"), $"must be between 0 and {MaxMajor}, got {d.Major}");
                if (d.Minor < 0 || d.Minor > MaxMinor)
                    r.Add(SpecPath.Member(at, "minor"), $"must be between 0 and {MaxMinor}, got {d.Minor}");
            }
            // podman copies st_mode from the host's node, type bits included (020666 for a char device), and runc
            // ORs the type in anyway: those bits pass when they name the same kind of node as type.
            if (d.FileMode is uint mode && mode > 0xfff && !IsTypeAndPermissions(mode, d.Type))
                r.Add(SpecPath.Member(at, "fileMode"),
                    $"must hold permission bits (at most 07777), optionally with the file type bits of type {d.Type} (0{Convert.ToString(KindOf(d.Type), 8)}), got 0{Convert.ToString(mode, 8)}");
        }
    }
}
