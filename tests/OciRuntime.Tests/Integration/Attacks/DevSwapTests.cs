using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// /dev made in a rootfs that a host process shares (no /dev mount in the config, so /dev is the image's own
/// directory). The attacker swaps that directory with a symlink to a host directory (renameat2 RENAME_EXCHANGE, in a
/// tight loop) while containers start: a runtime that makes the device nodes and links by path would make them in the
/// host directory (a /dev/null, a world-writable /dev/full, or a node of the config's choosing, on the host). Made
/// under one /dev fd resolved inside the root, they stay in the rootfs whatever the swap does.
/// </summary>
public sealed class DevSwapTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 20;
    private readonly Sandbox _s = new();

    public void Dispose() => _s.Dispose();

    [SkippableFact]
    public void A_dev_swapped_for_a_symlink_never_gets_nodes_made_on_the_host()
    {
        Skip.If(Swapper.Unavailable is not null, Swapper.Unavailable);
        string work = Path.GetDirectoryName(_s.Root)!;
        string hostDir = Path.Join(work, "host-dev");
        Directory.CreateDirectory(hostDir);

        var b = _s.NewBundle().Writable();
        var mounts = b.Config["mounts"]!.AsArray();
        foreach (var m in mounts.Where(m => ((string)m!["destination"]!).StartsWith("/dev", StringComparison.Ordinal)).ToList()) mounts.Remove(m);
        b.Linux["devices"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["path"] = "/dev/racy-node", ["type"] = "c", ["major"] = 1, ["minor"] = 7, ["fileMode"] = 0x1b6,
        });
        b.Shell("true");
        Directory.CreateDirectory(Path.Join(b.Rootfs, "dev"));
        File.CreateSymbolicLink(Path.Join(b.Rootfs, "devlink"), hostDir);
        b.Save();

        int ran = 0, failed = 0, escaped = 0;
        long swaps;
        using (var swapper = new Swapper(work, b.Rootfs, onOpen: false, ("dev", "devlink")))
        {
            for (int i = 0; i < Rounds; i++)
            {
                string id = _s.NewId();
                var r = _s.Oci("run", "--bundle", b.Dir, id);
                if (r.ExitCode == 0) ran++; else failed++;
                _s.Oci("delete", "-f", id);
                if (Directory.EnumerateFileSystemEntries(hostDir).Any())
                {
                    escaped++;
                    foreach (var e in Directory.EnumerateFileSystemEntries(hostDir))
                    {
                        if (Directory.Exists(e) && new DirectoryInfo(e).LinkTarget is null) Directory.Delete(e, true);
                        else File.Delete(e);
                    }
                }
            }
            swaps = swapper.Stop();
        }
        string report = $"{RuntimeBinary.Path}: {Rounds} runs while /dev was swapped with a symlink to a host directory " +
                        $"({swaps} swaps): {ran} ran, {failed} failed, {escaped} made entries in the host directory";
        output.WriteLine(report);
        Assert.True(swaps > Rounds, "the swapper barely ran: " + report);
        Assert.True(escaped == 0, report);
    }
}
