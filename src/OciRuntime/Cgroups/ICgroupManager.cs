using OciSpec;

namespace OciRuntime.Cgroups;

/// <summary>The container's cgroup, whatever the host's layout. One instance per container and command.</summary>
internal interface ICgroupManager
{
    /// <summary>The container's cgroup path inside each hierarchy (for example <c>/ocirun/abc</c>).</summary>
    string Path { get; }
    /// <summary>Makes the cgroup directories (idempotent).</summary>
    void Create();
    /// <summary>Moves <paramref name="pid"/> into the cgroup, in every hierarchy.</summary>
    void Apply(int pid);
    /// <summary>
    /// Writes the container's resource limits at create. As runc, the device rules always apply: the config's,
    /// then the default allowed devices, on top of "deny everything". A value the kernel refuses is an error
    /// naming the field and file.
    /// </summary>
    void Set(LinuxResources resources);
    /// <summary>Writes only what <paramref name="resources"/> holds (`update`); devices only if it lists some.</summary>
    void Update(LinuxResources resources);
    void Freeze();
    void Thaw();
    bool IsFrozen();
    /// <summary>Host pids of every process in the cgroup.</summary>
    IReadOnlyList<int> Pids();
    /// <summary>Signals every process in the cgroup.</summary>
    void KillAll(int signal);
    /// <summary>Removes the directories (children first), waiting while the kernel still reports tasks.</summary>
    void Destroy();
    /// <summary>True if any of the cgroup's directories exist.</summary>
    bool Exists();
    /// <summary>Usage counters in runc's `events` shape.</summary>
    CgroupStats Stats();
    /// <summary>A notifier for OOM kills in the cgroup, or null if the memory controller is absent.</summary>
    OomWatcher? WatchOom();
}
