using OciRuntime.Tests.Support;
using Xunit.Abstractions;

namespace OciRuntime.Tests.Integration.Attacks;

/// <summary>
/// tmpcopyup copies what the destination held into the new tmpfs. A process sharing that directory watches its
/// subdirectories with inotify and, the moment the runtime opens one, swaps it with a symlink to a host directory
/// (renameat2 RENAME_EXCHANGE). A copier that then copies the entries it listed by path reads them from the host
/// directory instead. The host directory is made by the test; its files carry a marker that must never be found
/// inside the container.
/// </summary>
public sealed class TmpCopyUpSwapTests(ITestOutputHelper output) : IDisposable
{
    private const int Rounds = 25, Pairs = 10, Files = 30;
    private readonly Sandbox _s = new();

    public void Dispose() => _s.Dispose();

    [SkippableFact]
    public void A_swapped_in_symlink_never_copies_host_files_into_the_container()
    {
        Skip.If(Swapper.Unavailable is not null, Swapper.Unavailable);
        string work = Path.GetDirectoryName(_s.Root)!;
        string marker = "host-marker-" + Guid.NewGuid().ToString("N");
        string hostDir = Path.Join(work, "hostdir");
        Directory.CreateDirectory(hostDir);
        for (int f = 0; f < Files; f++) File.WriteAllText(Path.Join(hostDir, $"f{f}"), marker);

        var b = _s.NewBundle("sleep", "1000").Writable().AddMount(MountJson.Mount("/data", "tmpfs", "tmpfs", "tmpcopyup"));
        string data = Path.Join(b.Rootfs, "data");
        var pairs = new (string, string)[Pairs];
        for (int i = 0; i < Pairs; i++)
        {
            // The image's subdirectory holds files of the same names as the host directory's.
            Directory.CreateDirectory(Path.Join(data, $"sub{i}"));
            for (int f = 0; f < Files; f++) File.WriteAllText(Path.Join(data, $"sub{i}", $"f{f}"), "image");
            File.CreateSymbolicLink(Path.Join(data, $"lnk{i}"), hostDir);
            pairs[i] = ($"sub{i}", $"lnk{i}");
        }
        b.Save();

        int created = 0, refused = 0, leaked = 0, leakedFiles = 0;
        long swaps;
        using (var swapper = new Swapper(work, data, onOpen: true, pairs))
        {
            for (int i = 0; i < Rounds; i++)
            {
                string id = _s.NewId();
                string pidFile = Path.Join(work, "pid");
                var r = _s.Oci("create", "--bundle", b.Dir, "--pid-file", pidFile, id);
                if (r.ExitCode != 0) { refused++; _s.Oci("delete", "-f", id); continue; }
                created++;
                int pid = int.Parse(File.ReadAllText(pidFile).Trim());
                int n = HostFilesInside(pid, marker);
                leakedFiles += n;
                if (n > 0) leaked++;
                var d = _s.Oci("delete", "-f", id);
                Assert.True(d.ExitCode == 0, d.ToString());
                Thread.Sleep(150); // the swapper puts the pairs back after 100 ms of quiet
            }
            swaps = swapper.Stop();
        }
        string report = $"{RuntimeBinary.Path}: {Rounds} rounds of {Pairs} racing subdirectories, {swaps} swaps: {created} created, {refused} refused, {leaked} with host files copied in ({leakedFiles} files)";
        output.WriteLine(report);
        Assert.True(swaps > Rounds, "the swapper barely ran: " + report);
        Assert.True(leaked == 0, report);
    }

    /// <summary>How many files under the container's /data hold the host's marker; symlinks are not followed
    /// (from here they would resolve on the host).</summary>
    private static int HostFilesInside(int pid, string marker)
    {
        var opts = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        return Directory.EnumerateFiles($"/proc/{pid}/root/data", "*", opts).Count(f => File.ReadAllText(f) == marker);
    }
}
