namespace Engines.Tests.Podman;

/// <summary>One private podman and one imported busybox image for the whole test class; Dispose removes all of it
/// and fails the run if something had been left behind.</summary>
public sealed class PodmanFixture : IDisposable
{
    public PodmanClient Podman { get; } = new();

    public PodmanFixture()
    {
        try { Podman.ImportImage(); }
        catch
        {
            PodmanCleanup.Run(Podman);
            throw;
        }
    }

    public void Dispose()
    {
        var problems = PodmanCleanup.Run(Podman);
        if (problems.Count > 0)
            throw new InvalidOperationException("podman tests left these behind (now removed):\n" + string.Join('\n', problems));
    }
}
