using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// The exec FIFO is reopened for writing through /proc/self/fd/N in the container. With no procfs at /proc (a
/// config without the /proc mount), the image's own tree stands in for it: an image that plants regular files at
/// /proc/self/fd/3..63 makes that open succeed at once, without `start`, and the user's process runs while the
/// container still says "created" (the deleted `ocirun init` fallback: 5 of 5 rounds ran before start). The program proves
/// /proc a procfs before Ready, and `create` fails naming it.
/// </summary>
public sealed class ExecFifoGateAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void A_fake_proc_in_the_image_never_opens_the_gate_before_start()
    {
        const int Rounds = 5;
        int ranBeforeStart = 0;
        for (int round = 0; round < Rounds; round++)
        {
            var b = _s.NewBundle();
            var mounts = b.Config["mounts"]!.AsArray();
            mounts.Remove(mounts.First(m => (string)m!["destination"]! == "/proc"));
            b.Config["linux"]!["maskedPaths"] = new System.Text.Json.Nodes.JsonArray();
            b.Config["linux"]!["readonlyPaths"] = new System.Text.Json.Nodes.JsonArray();
            b.Config["root"]!["readonly"] = false;
            b.Shell("echo ran > /tmp/ran; sleep 1000");
            string fake = Path.Join(b.Rootfs, "proc", "self", "fd");
            Directory.CreateDirectory(fake);
            for (int fd = 3; fd < 64; fd++) File.WriteAllText(Path.Join(fake, fd.ToString()), "");
            b.Save();
            string id = _s.NewId();
            var create = _s.Oci("create", "--bundle", b.Dir, id);
            if (create.ExitCode != 0)
            {
                Assert.Contains("/proc", create.Stderr);
                continue;
            }
            Thread.Sleep(300);
            if (File.Exists(Path.Join(b.Rootfs, "tmp", "ran"))) ranBeforeStart++;
            _s.Oci("delete", "--force", id);
        }
        Assert.Equal(0, ranBeforeStart);
    }
}
