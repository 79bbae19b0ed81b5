using System.Text.Json.Nodes;
using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2025-52881 class, for the time namespace's offsets. A container that joins another one's mount namespace
/// and asks for a fresh time namespace has its offsets written by the setup process after the join, so the path
/// /proc/self/timens_offsets resolves in the other container's tree: there /proc can be anything its image or
/// config likes (here a plain file, once the container unmounted its procfs), and the host-root write lands in it while the new time
/// namespace silently keeps no offsets. The write must go beneath a verified procfs instead.
/// </summary>
public sealed class TimensOffsetsAttackTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void Offsets_land_in_the_new_time_namespace_not_in_a_file_planted_at_proc_self_of_a_joined_mount_namespace()
    {
        // A container with CAP_SYS_ADMIN (privileged, or root of its own user namespace) takes its procfs away and
        // puts a plain file where /proc/self/timens_offsets was.
        var attacker = _s.NewBundle().Shell(
            "umount -l /proc && mkdir -p /proc/self && echo planted > /proc/self/timens_offsets && sleep 1000");
        attacker.Process["capabilities"] = new JsonObject
        {
            ["bounding"] = new JsonArray("CAP_SYS_ADMIN"), ["effective"] = new JsonArray("CAP_SYS_ADMIN"),
            ["permitted"] = new JsonArray("CAP_SYS_ADMIN"),
        };
        attacker.Config["root"]!["readonly"] = false;
        attacker.Linux.Remove("maskedPaths");
        attacker.Linux.Remove("readonlyPaths");
        attacker.Save();
        string attackerId = _s.NewId();
        var a = _s.Oci("run", "-d", "--bundle", attacker.Dir, attackerId);
        Assert.True(a.ExitCode == 0, a.ToString());
        int attackerPid = (int)_s.State(attackerId)["pid"]!;
        string planted = $"/proc/{attackerPid}/root/proc/self/timens_offsets";
        HostShell.WaitFor(() => File.Exists(planted) && File.ReadAllText(planted) == "planted\n");

        var joiner = _s.NewBundle("sleep", "1000");
        joiner.Config.Remove("hostname");
        joiner.Linux["namespaces"] = new JsonArray(
            new JsonObject { ["type"] = "mount", ["path"] = $"/proc/{attackerPid}/ns/mnt" },
            new JsonObject { ["type"] = "time" });
        joiner.Linux["timeOffsets"] = new JsonObject { ["boottime"] = new JsonObject { ["secs"] = 864000, ["nanosecs"] = 0 } };
        joiner.Save();
        string joinerId = _s.NewId();
        var r = _s.Oci("run", "-d", "--bundle", joiner.Dir, joinerId);

        // The offsets are written by the setup process right after the joins, before init runs; whether init then
        // copes with a mount namespace without procfs is another matter: the write must not have landed either way.
        Assert.Equal("planted\n", File.ReadAllText(planted));
        if (r.ExitCode == 0)
        {
            int joinerPid = (int)_s.State(joinerId)["pid"]!;
            Assert.Contains("boottime 864000 0", File.ReadAllText($"/proc/{joinerPid}/timens_offsets"));
            Assert.Equal(0, _s.Oci("delete", "--force", joinerId).ExitCode);
        }
        else Assert.DoesNotContain("timeOffsets", r.Stderr);
        Assert.Equal(0, _s.Oci("delete", "--force", attackerId).ExitCode);
    }
}
