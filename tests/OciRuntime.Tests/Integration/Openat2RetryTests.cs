using OciRuntime.Tests.Support;

namespace OciRuntime.Tests.Integration;

/// <summary>
/// openat2 with RESOLVE_IN_ROOT gives EAGAIN for a ".." whenever anything on the host was renamed or mounted during
/// the walk. Containers that start side by side (a Kubernetes node) do exactly that to each other, so a runtime that
/// does not retry fails creates at random. Here a host thread renames a file back and forth while containers whose
/// mount destinations lead through "../.." symlinks are created.
/// </summary>
public sealed class Openat2RetryTests : IDisposable
{
    private readonly Sandbox _s = new();
    public void Dispose() => _s.Dispose();

    [Fact]
    public void A_host_busy_renaming_does_not_fail_a_destination_through_dotdot()
    {
        string dir = Directory.CreateTempSubdirectory("ocirun-test-rename-").FullName;
        string a = Path.Join(dir, "a"), b = Path.Join(dir, "b");
        File.WriteAllText(a, "x");
        using var stop = new CancellationTokenSource();
        long renames = 0;
        var racer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { File.Move(a, b); File.Move(b, a); renames += 2; }
        }) { IsBackground = true };
        racer.Start();
        var failures = new List<string>();
        const int rounds = 20;
        try
        {
            for (int i = 0; i < rounds; i++)
            {
                var bundle = _s.NewBundle();
                Directory.CreateDirectory(Path.Join(bundle.Rootfs, "x", "y"));
                // /x/y/up -> ../../tmp: the walk takes two ".." inside the root.
                File.CreateSymbolicLink(Path.Join(bundle.Rootfs, "x", "y", "up"), "../../tmp");
                bundle.AddMount(MountJson.Mount("/x/y/up/m", "tmpfs", "tmpfs")).Shell("grep -c ' /tmp/m ' /proc/self/mountinfo");
                var r = _s.Run(bundle);
                if (r.ExitCode != 0 || r.Stdout.Trim() != "1") failures.Add(r.ToString());
            }
        }
        finally
        {
            stop.Cancel();
            racer.Join();
            Directory.Delete(dir, true);
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {rounds} creates failed while the host renamed ({renames} renames):\n" +
                                          string.Join("\n", failures.Take(3)));
    }
}
