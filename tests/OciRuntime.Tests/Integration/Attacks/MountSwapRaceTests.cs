using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// CVE-2021-30465 class, after the mount: a process sharing a volume with the container swaps the destinations of
/// `rbind,ro` binds of a host directory (directories of the volume) with symlinks to another mount of the
/// container (renameat2 RENAME_EXCHANGE in a loop). A runtime that looks the path up again for the read-only
/// remount makes that other mount read-only instead, and the bind of the host directory stays writable: the
/// container can overwrite host files. Each round is `create` then `delete -f`; a round is a successful attack
/// when the container's mount table holds the host directory read-write.
/// </summary>
public sealed class MountSwapRaceTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 200, Destinations = 4;
    private readonly Sandbox _s = new();

    public void Dispose() => _s.Dispose();

    [SkippableFact]
    public void An_ro_bind_stays_read_only_while_its_destination_is_swapped_for_a_symlink()
    {
        Skip.If(Swapper.Unavailable is not null, Swapper.Unavailable);
        string work = Path.GetDirectoryName(_s.Root)!;
        string victimName = "victim-" + Guid.NewGuid().ToString("N")[..8];
        string victim = Path.Join(work, victimName);
        Directory.CreateDirectory(victim);
        File.WriteAllText(Path.Join(victim, "f"), "original\n");
        string vol = Path.Join(work, "vol");
        var b = _s.NewBundle("sleep", "1000")
            .AddMount(MountJson.Mount("/decoy", "tmpfs", "tmpfs"))
            .AddMount(MountJson.Mount("/vol", "bind", vol, "rbind", "rw"));
        var pairs = new (string, string)[Destinations];
        for (int i = 0; i < Destinations; i++)
        {
            Directory.CreateDirectory(Path.Join(vol, $"x{i}"));
            File.CreateSymbolicLink(Path.Join(vol, $"s{i}"), "/decoy");
            pairs[i] = ($"x{i}", $"s{i}");
            b.AddMount(MountJson.Mount($"/vol/x{i}", "bind", victim, "rbind", "ro"));
        }
        b.Save();

        int created = 0, refused = 0, attacked = 0, writable = 0;
        long swaps;
        var started = DateTime.UtcNow;
        using (var swapper = new Swapper(work, vol, onOpen: false, pairs))
        {
            for (int i = 0; i < Rounds; i++)
            {
                string id = _s.NewId(), pidFile = Path.Join(work, "pid");
                swapper.Resume();
                var r = _s.Oci("create", "--bundle", b.Dir, "--pid-file", pidFile, id);
                swapper.Pause();
                if (r.ExitCode != 0) { refused++; _s.Oci("delete", "-f", id); continue; }
                created++;
                int rw = WritableBindsOf(int.Parse(File.ReadAllText(pidFile).Trim()), victimName);
                writable += rw;
                if (rw > 0) attacked++;
                var d = _s.Oci("delete", "-f", id);
                Assert.True(d.ExitCode == 0, d.ToString());
            }
            swaps = swapper.Stop();
        }
        string report = $"{RuntimeBinary.Path}: {Rounds} rounds of {Destinations} racing ro binds in {(DateTime.UtcNow - started).TotalSeconds:F0} s, " +
            $"{swaps} swaps: {created} created, {refused} refused, {attacked} with the host directory writable ({writable} writable binds)";
        output.WriteLine(report);
        Assert.Equal("original\n", File.ReadAllText(Path.Join(victim, "f")));
        Assert.True(swaps > Rounds, "the swapper barely ran: " + report);
        Assert.True(attacked == 0, report);
    }

    /// <summary>How many read-write mounts of the host directory the container's mount namespace holds.</summary>
    private static int WritableBindsOf(int pid, string victimName) =>
        File.ReadLines($"/proc/{pid}/mountinfo").Select(l => l.Split(' '))
            .Count(f => f.Length > 5 && f[3].EndsWith("/" + victimName, StringComparison.Ordinal) && f[5].Split(',').Contains("rw"));
}
