namespace OciRuntime.State;

/// <summary>
/// What ocirun remembers about a container in &lt;root&gt;/&lt;id&gt;/state.json. Status is not stored: it is
/// derived from the kernel each time (see <see cref="StatusProbe"/>).
/// </summary>
internal sealed record ContainerRecord
{
    public required string Id { get; init; }
    /// <summary>Host pid of the container's process; 0 while it does not exist yet.</summary>
    public int Pid { get; init; }
    /// <summary>Start time of <see cref="Pid"/> (field 22 of /proc/[pid]/stat), so a reused pid is not mistaken for it.</summary>
    public ulong PidStartTime { get; init; }
    public required string Bundle { get; init; }
    public required string Rootfs { get; init; }
    public DateTimeOffset Created { get; init; }
    public string Owner { get; init; } = "";
    public Dictionary<string, string>? Annotations { get; init; }
    /// <summary>The cgroup path (cgroupsPath, resolved), so delete can remove it even after a crash.</summary>
    public string? CgroupPath { get; init; }
    /// <summary>Set once create finished; a record without it is the leftover of an interrupted create.</summary>
    public bool Complete { get; init; }
    /// <summary>ocirun's own init stays as pid 1 and reaps (--init).</summary>
    public bool UseInit { get; init; }
    public bool Systemd { get; init; }
}
