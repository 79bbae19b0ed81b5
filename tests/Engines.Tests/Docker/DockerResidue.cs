using System.Diagnostics;
using Engines.Tests.Support;

namespace Engines.Tests.Docker;

/// <summary>
/// Takes down what a test dockerd leaves when it stops, or when it dies: its containerd and shims, the containers'
/// runtime state, the cgroups under our parent, the mounts under our directory, the directory itself, and
/// /run/docker and /run/containerd when we made them (the sweep itself is <see cref="HostResidue"/>'s).
/// dockerd makes /run/docker/plugins whatever its exec root, and the shims put their sockets in /run/containerd/s.
/// </summary>
internal sealed class DockerResidue(string dir, string runtimeRoot, string cgroupParent) : HostResidue(dir, "docker")
{
    public void StopDaemon(Process dockerd)
    {
        if (dockerd.HasExited) return;
        // SIGTERM: dockerd stops its containerd (which stops the shims that have nothing left to run).
        Kill(dockerd.Id, SIGTERM);
        if (dockerd.WaitForExit(20_000)) return;
        Note("dockerd ignored SIGTERM for 20 s; killed");
        dockerd.Kill();
        dockerd.WaitForExit();
    }

    /// <summary>Containers whose shim died before deleting them: ocirun's state (runc's, should one be there).</summary>
    public void DeleteRuntimeState(string ocirun)
    {
        foreach (var c in DockerDaemon.ContainersUnder(runtimeRoot))
        {
            string id = Path.GetFileName(c);
            var r = Cmd.Run(ocirun, ["--root", runtimeRoot, "delete", "--force", id], 30_000);
            if (Directory.Exists(c)) r = Cmd.Run("/usr/sbin/runc", ["--root", runtimeRoot, "delete", "--force", id], 30_000);
            if (Directory.Exists(c)) Note($"container {id} left in {runtimeRoot}: {r}");
        }
    }

    public void RemoveCgroups() => RemoveCgroupsUnder(cgroupParent);

    public void RemoveDirs(bool runDockerExisted, bool runContainerdExisted)
    {
        var made = new List<string>();
        if (!runDockerExisted) made.AddRange(["/run/docker/plugins", "/run/docker"]);
        if (!runContainerdExisted) made.AddRange(["/run/containerd/s", "/run/containerd"]);
        RemoveDirs(made);
    }
}
