using System.Diagnostics;
using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// Mount specs that the setup program once left to `ocirun init` (issue #20): a joined mount namespace, whose
/// mount table only the container's setup sees, and linux.mountLabel. Each runs on both paths (OCIRUN_SETUP=init,
/// =program) and the container's mount table must come out the same.
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

    private RunResult Run(string mode, Bundle b)
    {
        b.Save();
        return RuntimeBinary.Run(["--root", _s.Root, "run", "--bundle", b.Dir, _s.NewId()],
            env: new Dictionary<string, string> { ["OCIRUN_SETUP"] = mode });
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
    public void A_joined_mount_namespace_whose_mounts_are_shared_gives_the_same_container_mount_table_on_both_paths(string? rootfsPropagation)
    {
        string hostBefore = File.ReadAllText("/proc/self/mountinfo");
        var tables = new Dictionary<string, List<string>>();
        foreach (var mode in new[] { "init", "program" })
        {
            // A fresh holder each time: pivot_root moves the root of every process of the namespace, the holder's too.
            int holder = Holder();
            var b = JoiningBundle(holder, rootfsPropagation);
            var r = Run(mode, b);
            Assert.True(r.ExitCode == 0, $"OCIRUN_SETUP={mode}: {r}");
            tables[mode] = Normalized(r.Stdout, b.Dir);
            Assert.Contains(tables[mode], l => l.Split(' ')[1] == "/proc");
            // The container's mounts stayed in the joined namespace: none reached the host's.
            Assert.DoesNotContain(b.Dir, File.ReadAllText("/proc/self/mountinfo"));
        }
        Assert.Equal(tables["init"], tables["program"]);
        Assert.Equal(HostShell.Lines(hostBefore).Count(), HostShell.Lines(File.ReadAllText("/proc/self/mountinfo")).Count());
    }

    [Fact]
    public void A_missing_bind_source_in_a_joined_mount_namespace_fails_alike_on_both_paths()
    {
        var errors = new Dictionary<string, string>();
        foreach (var mode in new[] { "init", "program" })
        {
            var b = JoiningBundle(Holder(), null);
            b.Config["mounts"]!.AsArray().Add(new JsonObject
            {
                ["destination"] = "/x", ["type"] = "bind", ["source"] = "/ocirun-test-no-such-source", ["options"] = new JsonArray("rbind"),
            });
            var r = Run(mode, b);
            Assert.NotEqual(0, r.ExitCode);
            errors[mode] = HostShell.Lines(r.Stderr).Single();
        }
        Assert.Contains("mounts[", errors["program"]);
        Assert.Contains("/ocirun-test-no-such-source: no such file or directory", errors["program"]);
        Assert.Equal(errors["init"], errors["program"]);
    }

    [Fact]
    public void A_mount_label_without_selinux_is_ignored_alike_on_both_paths()
    {
        var tables = new Dictionary<string, List<string>>();
        foreach (var mode in new[] { "init", "program" })
        {
            var b = _s.NewBundle("cat", "/proc/self/mountinfo");
            b.Linux["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2";
            var r = Run(mode, b);
            Assert.True(r.ExitCode == 0, $"OCIRUN_SETUP={mode}: {r}");
            tables[mode] = Normalized(r.Stdout, b.Dir);
            Assert.DoesNotContain("context=", r.Stdout);
            Assert.Contains(tables[mode], l => l.Split(' ')[1] == "/dev/shm");
        }
        Assert.Equal(tables["init"], tables["program"]);
    }
}
