using Engines.Tests.Support;

namespace Engines.Tests.Docker;

/// <summary>One dockerd and the busybox image per test class: starting them is most of the class's time.</summary>
public sealed class DockerFixture : IDisposable
{
    public const string Image = "ocirun-test-busybox:latest";

    public DockerDaemon Daemon { get; }

    public DockerFixture()
    {
        Daemon = new DockerDaemon(Paths.Runtime);
        try
        {
            // No registry here: the image is the busybox rootfs tarball.
            var r = Daemon.Client(["import", BusyboxTarball.Path, Image]);
            if (r.ExitCode != 0) throw new InvalidOperationException($"docker import: {r}\n{Daemon.Tail()}");
        }
        catch
        {
            Daemon.Dispose();
            throw;
        }
    }

    /// <summary>A docker client command against our daemon.</summary>
    public CmdResult Docker(params string[] args) => Daemon.Client(args);

    /// <summary>docker run with ocirun as the runtime; the arguments go between the flags and the image.</summary>
    public CmdResult Run(string[] flags, params string[] command) =>
        Daemon.Client(["run", "--runtime", "ocirun", .. flags, Image, .. command]);

    /// <summary>A detached container named for the test; the caller removes it (the fixture sweeps the rest).</summary>
    public string Detached(string name, params string[] command)
    {
        var r = Daemon.Client(["run", "-d", "--runtime", "ocirun", "--name", name, Image, .. command]);
        if (r.ExitCode != 0) throw new InvalidOperationException($"docker run -d {name}: {r}\n{Daemon.Tail()}");
        return r.Stdout.Trim();
    }

    public string Inspect(string name, string format) => Ok("inspect", "-f", format, name).Stdout.Trim();

    public CmdResult Ok(params string[] args)
    {
        var r = Daemon.Client(args);
        if (r.ExitCode != 0) throw new InvalidOperationException($"docker {string.Join(' ', args)}: {r}\n{Daemon.Tail()}");
        return r;
    }

    public void Dispose() => Daemon.Dispose();
}
