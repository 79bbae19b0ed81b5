using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// tmpcopyup copies what the destination held into the new tmpfs. A process sharing that directory swaps
/// subdirectories with symlinks to a host directory (renameat2 RENAME_EXCHANGE in a loop) while `create` copies: a
/// copier that walks by path follows the symlink and copies host files into the container. The host directory is
/// made by the test and holds a marker file that must never appear inside.
/// </summary>
public sealed class TmpCopyUpSwapTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 40, Pairs = 10;
    private readonly Sandbox _s = new();

    public void Dispose() => _s.Dispose();

    [SkippableFact]
    public void A_swapped_in_symlink_never_copies_host_files_into_the_container()
    {
        Skip.If(Swapper.Unavailable is not null, Swapper.Unavailable);
        string work = Path.GetDirectoryName(_s.Root)!;
        string marker = "host-marker-" + Guid.NewGuid().ToString("N")[..8];
        string hostDir = Path.Join(work, "hostdir");
        Directory.CreateDirectory(Path.Join(hostDir, "nested"));
        File.WriteAllText(Path.Join(hostDir, marker), "host\n");
        File.WriteAllText(Path.Join(hostDir, "nested", marker), "host\n");

        var b = _s.NewBundle("sleep", "1000").Writable().AddMount(MountJson.Mount("/data", "tmpfs", "tmpfs", "tmpcopyup"));
        string data = Path.Join(b.Rootfs, "data");
        var pairs = new (string, string)[Pairs];
        for (int i = 0; i < Pairs; i++)
        {
            Directory.CreateDirectory(Path.Join(data, $"sub{i}", "d"));
            File.WriteAllText(Path.Join(data, $"sub{i}", "d", "inner"), "image\n");
            File.CreateSymbolicLink(Path.Join(data, $"lnk{i}"), hostDir);
            pairs[i] = ($"sub{i}", $"lnk{i}");
        }
        b.Save();

        int created = 0, refused = 0, leaked = 0;
        long swaps;
        using (var swapper = new Swapper(work, data, pairs))
        {
            for (int i = 0; i < Rounds; i++)
            {
                string id = _s.NewId();
                string pidFile = Path.Join(work, "pid");
                var r = _s.Oci("create", "--bundle", b.Dir, "--pid-file", pidFile, id);
                if (r.ExitCode != 0) { refused++; _s.Oci("delete", "-f", id); continue; }
                created++;
                int pid = int.Parse(File.ReadAllText(pidFile).Trim());
                if (MarkerInside(pid, marker)) leaked++;
                var d = _s.Oci("delete", "-f", id);
                Assert.True(d.ExitCode == 0, d.ToString());
            }
            swaps = swapper.Stop();
        }
        string report = $"{RuntimeBinary.Path}: {Rounds} rounds of {Pairs} racing subdirectories, {swaps} swaps: {created} created, {refused} refused, {leaked} with host files copied in";
        output.WriteLine(report);
        Assert.True(swaps > Rounds, "the swapper barely ran: " + report);
        Assert.True(leaked == 0, report);
    }

    /// <summary>Whether the marker is anywhere under the container's /data, symlinks not followed (they would be
    /// resolved on the host from here).</summary>
    private static bool MarkerInside(int pid, string marker)
    {
        var opts = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return Directory.EnumerateFiles($"/proc/{pid}/root/data", marker, opts).Any();
    }
}
