using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// Mount specs that the setup program once left to the `ocirun init` fallback (issue #20, now deleted): a joined
/// mount namespace, whose mount table only the container's setup sees, and linux.mountLabel. Each asserts the
/// mount table the container sees, as the fallback gave it when the two paths were compared.
/// </summary>
public sealed class SetupPathsMountTests : IDisposable
{
    private readonly Sandbox _s = new();
    private readonly List<Process> _holders = [];

    public void Dispose()
    {
        foreach (var h in _holders)
        {
            try { h.Kill(); h.WaitForExit(5000); } catch (InvalidOperationException) { }
            h.Dispose();
        }
        _s.Dispose();
    }

    /// <summary>A process holding a mount namespace of its own whose mounts are all shared (peers of the host's
    /// shared ones): what pivot_root refuses unless the setup makes the rootfs's parent private.</summary>
    private int Holder()
    {
        var p = Process.Start(new ProcessStartInfo("unshare", ["-m", "--propagation", "shared", "sleep", "1000"]) { UseShellExecute = false })!;
        _holders.Add(p);
        string mine = new FileInfo("/proc/self/ns/mnt").LinkTarget!;
        HostShell.WaitFor(() => p.HasExited || (new FileInfo($"/proc/{p.Id}/ns/mnt").LinkTarget is { } ns && ns != mine
            && File.ReadAllText($"/proc/{p.Id}/comm").Trim() == "sleep"));
        Assert.False(p.HasExited, "unshare -m failed");
        return p.Id;
    }

    private RunResult Run(Bundle b)
    {
        b.Save();
        return RuntimeBinary.Run(["--root", _s.Root, "run", "--bundle", b.Dir, _s.NewId()]);
    }

    /// <summary>mountinfo without what differs from run to run: mount ids and peer group numbers.</summary>
    private static List<string> Normalized(string mountinfo, string bundleDir) =>
        HostShell.Lines(mountinfo).Select(line =>
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            var optional = f[6..dash].Select(o => o.Split(':')[0]);
            return string.Join(' ', [f[3], f[4], f[5], .. optional, "-", .. f[(dash + 1)..]]).Replace(bundleDir, "BUNDLE");
        }).ToList();

    /// <summary>The container's table: the bundle's rootfs as "/", read-only as the config asks, then each of the
    /// config's mounts at its destination, in the config's order, /proc/sys read-only and the masks in place.</summary>
    private static void AssertContainerTable(List<string> table, Bundle b)
    {
        var root = table[0].Split(' ');
        Assert.Equal(("BUNDLE/rootfs", "/"), (root[0], root[1]));
        Assert.StartsWith("ro,", root[2]);
        var points = table.Select(l => l.Split(' ')[1]).ToList();
        int at = 0;
        foreach (var m in b.Config["mounts"]!.AsArray())
        {
            string dest = (string)m!["destination"]!;
            int found = points.IndexOf(dest, at);
            Assert.True(found > 0, $"mount {dest} missing or out of the config's order in:\n{string.Join('\n', table)}");
            at = found + 1;
        }
        Assert.StartsWith("ro,", table.Single(l => l.Split(' ')[1] == "/proc/sys").Split(' ')[2]);
        Assert.Contains("/proc/keys", points);
    }

    private Bundle JoiningBundle(int holderPid, string? rootfsPropagation)
    {
        var b = _s.NewBundle("cat", "/proc/self/mountinfo");
        var namespaces = b.Linux["namespaces"]!.AsArray();
        var mount = namespaces.Single(n => (string)n!["type"]! == "mount")!.AsObject();
        mount["path"] = $"/proc/{holderPid}/ns/mnt";
        if (rootfsPropagation is not null) b.Linux["rootfsPropagation"] = rootfsPropagation;
        return b;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rshared")]
    [InlineData("private")]
    public void A_joined_mount_namespace_whose_mounts_are_shared_gives_the_container_its_root_and_nothing_of_it_reaches_the_host(string? rootfsPropagation)
    {
        string hostBefore = File.ReadAllText("/proc/self/mountinfo");
        var b = JoiningBundle(Holder(), rootfsPropagation);
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        var table = Normalized(r.Stdout, b.Dir);
        AssertContainerTable(table, b);
        // Every mount of the container propagates as rootfsPropagation says: shared peers with rshared, and with
        // private (or unset: runc's rprivate) neither peers nor masters, in the joined namespace as in a fresh one.
        if (rootfsPropagation == "rshared") Assert.All(table, l => Assert.Contains(" shared ", l));
        else Assert.All(table, l => Assert.DoesNotMatch(" (shared|master) ", l));
        // The container's mounts stayed in the joined namespace: none reached the host's.
        Assert.DoesNotContain(b.Dir, File.ReadAllText("/proc/self/mountinfo"));
        Assert.Equal(HostShell.Lines(hostBefore).Count(), HostShell.Lines(File.ReadAllText("/proc/self/mountinfo")).Count());
    }

    [Fact]
    public void A_missing_bind_source_in_a_joined_mount_namespace_fails_naming_the_mount()
    {
        var b = JoiningBundle(Holder(), null);
        b.Config["mounts"]!.AsArray().Add(new JsonObject
        {
            ["destination"] = "/x", ["type"] = "bind", ["source"] = "/ocirun-test-no-such-source", ["options"] = new JsonArray("rbind"),
        });
        var r = Run(b);
        Assert.NotEqual(0, r.ExitCode);
        string error = HostShell.Lines(r.Stderr).Single();
        int index = b.Config["mounts"]!.AsArray().Count - 1;
        Assert.Contains($"mounts[{index}] (/x): ", error);
        Assert.EndsWith("/ocirun-test-no-such-source: no such file or directory", error);
    }

    [Fact]
    public void A_mount_label_without_selinux_is_ignored()
    {
        var b = _s.NewBundle("cat", "/proc/self/mountinfo");
        b.Linux["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2";
        var r = Run(b);
        Assert.True(r.ExitCode == 0, r.ToString());
        AssertContainerTable(Normalized(r.Stdout, b.Dir), b);
        Assert.DoesNotContain("context=", r.Stdout);
    }
}
