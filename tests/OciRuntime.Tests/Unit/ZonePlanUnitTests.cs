using OciRuntime.Interop;
using OciRuntime.Launch;

namespace OciRuntime.Tests.Unit;

/// <summary>What the zone keeps and when it is dumpable, as the builder lays it out (the zone itself is exercised
/// by the attack tests in Integration/Attacks).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed unsafe class ZonePlanUnitTests
{
    [Fact]
    public void The_zone_keeps_sync_joins_and_the_programs_inputs_sorted_and_closes_the_rest_from_the_preserved_ones_up()
    {
        using var z = new ZonePlanBuilder();
        z.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWNET, "/proc/self/ns/net")]);
        int join = z.Plan->JoinFds[0];
        z.SetSync(childEnd: 40, parentEnd: 41);
        using var program = new OciRuntime.Launch.Setup.SetupProgram();
        program.InputFd("fifo", 45);
        program.InputFd("console", 33);
        program.InputFd("sync again", 40);
        z.SetProgram(program);
        z.RetainOnly(5);
        var retained = new List<int>();
        for (int i = 0; i < z.Plan->RetainCount; i++) retained.Add(z.Plan->Retain[i]);
        Assert.Equal(new[] { join, 33, 40, 45 }.Distinct().Order(), retained);
        Assert.DoesNotContain(41, retained); // the parent's end is closed on its own, first
        Assert.Equal(5, z.Plan->CloseFrom);
    }

    [Fact]
    public void The_zone_is_dumpable_for_the_map_handshake_only_in_a_fresh_user_namespace()
    {
        using (var fresh = new ZonePlanBuilder())
        {
            fresh.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWUSER, null), new NamespaceRequest(Sys.CLONE_NEWNS, null)]);
            Assert.Equal(1, fresh.Plan->DumpableForMaps);
        }
        using (var joined = new ZonePlanBuilder())
        {
            // exec into a container with a user namespace: no maps to write, so never dumpable.
            joined.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWUSER, "/proc/self/ns/user")]);
            Assert.Equal(0, joined.Plan->DumpableForMaps);
        }
        using (var none = new ZonePlanBuilder())
        {
            none.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWNS, null), new NamespaceRequest(Sys.CLONE_NEWPID, null)]);
            Assert.Equal(0, none.Plan->DumpableForMaps);
        }
    }

    [Fact]
    public void With_time_offsets_the_plan_carries_a_retained_close_on_exec_procfs_fd_and_none_otherwise()
    {
        using (var timed = new ZonePlanBuilder())
        {
            timed.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWTIME, null)]);
            timed.SetTimeOffsets("monotonic 5 0\n", fdFloor: 10);
            timed.SetSync(childEnd: 40, parentEnd: 41);
            timed.RetainOnly(5);
            int fd = timed.Plan->ProcFd;
            Assert.True(fd >= 10, $"proc fd {fd} below the floor");
            Assert.Equal(Sys.PROC_SUPER_MAGIC, Sys.TryFsType(fd));
            Assert.Equal(1L, Sys.Fast(Nr.fcntl, fd, Sys.F_GETFD) & Sys.FD_CLOEXEC);
            var retained = new List<int>();
            for (int i = 0; i < timed.Plan->RetainCount; i++) retained.Add(timed.Plan->Retain[i]);
            Assert.Contains(fd, retained); // else the zone's close_range would close it before the write
            // The zone reads "self" from it: it must name this process, in a pid namespace where it has a number.
            Assert.Equal(Environment.ProcessId.ToString(), Sys.ReadLinkAt(fd, "self"));
        }
        using (var plain = new ZonePlanBuilder())
        {
            plain.SetNamespaces([new NamespaceRequest(Sys.CLONE_NEWNS, null)]);
            plain.SetTimeOffsets(null);
            plain.SetSync(childEnd: 40, parentEnd: 41);
            plain.RetainOnly(5);
            Assert.Equal(-1, plain.Plan->ProcFd);
            Assert.Equal(0, plain.Plan->TimeOffsetsLength);
        }
    }
}
