using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>ocirun run by a user other than root: where its state lives and what it may not do.</summary>
internal static class Rootless
{
    internal static bool Active => Sys.GetEuid() != 0;

    /// <summary>runc's rule: root uses /run/ocirun; anyone else $XDG_RUNTIME_DIR/ocirun, or /run/user/UID/ocirun.</summary>
    internal static string DefaultRoot() => DefaultRoot(Sys.GetEuid(), System.Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"));

    internal static string DefaultRoot(uint euid, string? xdgRuntimeDir)
    {
        if (euid == 0) return RuntimeInfo.DefaultRoot;
        if (!string.IsNullOrEmpty(xdgRuntimeDir) && xdgRuntimeDir.StartsWith('/')) return Path.Join(xdgRuntimeDir, "ocirun");
        return $"/run/user/{euid}/ocirun";
    }

    /// <summary>What an unprivileged caller cannot do at all, said before anything is made.</summary>
    internal static void CheckConfig(Spec spec)
    {
        if (!Active) return;
        uint euid = Sys.GetEuid();
        if (SpecNamespaces.Find(spec, NamespaceKind.User) is null)
            throw new RuntimeError($"linux.namespaces: ocirun runs as uid {euid}, not root: a container needs a user namespace then (make the bundle with `ocirun spec --rootless`)");
    }

    /// <summary>
    /// The cgroup for an unprivileged caller. If it may create the container's cgroup (a delegated subtree), the
    /// cgroup is used as for root. If not, and the config asks for no resource limits, the container runs in the
    /// caller's cgroup and nothing is written; with limits that is an error naming the field.
    /// </summary>
    internal static ICgroupManager Cgroup(ICgroupManager inner, LinuxResources? resources) =>
        Active ? new RootlessCgroup(inner, resources) : inner;

    /// <summary>Device rules do not count: in a user namespace no device node can be made, and the host's
    /// permissions still guard the ones bound in (runc ignores them for rootless containers too).</summary>
    internal static bool AsksForLimits(LinuxResources? r) =>
        r is not null && (r.Memory is not null || r.CPU is not null || r.Pids is not null || r.BlockIO is not null ||
                          r.HugepageLimits is { Count: > 0 } || r.Network is not null || r.Rdma is { Count: > 0 } ||
                          r.Unified is { Count: > 0 });

    /// <summary>Why the cgroup could not be made, from the errno the error carries.</summary>
    private static string Reason(RuntimeError e) =>
        e.Errno is Errno.EACCES or Errno.EPERM ? "permission denied" : e.Message;

    private sealed class RootlessCgroup(ICgroupManager inner, LinuxResources? resources) : ICgroupManager
    {
        private bool _skipped;

        public string Path => inner.Path;

        public void Create()
        {
            try { inner.Create(); }
            catch (RuntimeError e)
            {
                try { inner.Destroy(); } catch (Exception) { }
                if (AsksForLimits(resources))
                    throw new RuntimeError($"linux.resources: limits need a cgroup this user (uid {Sys.GetEuid()}) may create, and {inner.Path} is not delegated to it ({Reason(e)}); remove linux.resources or run as root");
                _skipped = true;
            }
        }

        public void Apply(int pid)
        {
            if (_skipped) return;
            try { inner.Apply(pid); }
            catch (RuntimeError) when (!AsksForLimits(resources)) { }
        }

        public void Set(LinuxResources r)
        {
            if (_skipped) return;
            inner.Set(r);
        }

        public void Update(LinuxResources r) { Require("update"); inner.Update(r); }
        public void Freeze() { Require("pause"); inner.Freeze(); }
        public void Thaw() { Require("resume"); inner.Thaw(); }

        /// <summary>pause, resume and update need the container's own cgroup, which a rootless container may lack.</summary>
        private void Require(string what)
        {
            if (!_skipped && inner.Exists()) return;
            throw new RuntimeError($"{what}: the container has no cgroup of its own: ocirun ran it as uid {Sys.GetEuid()}, not root, and no cgroup is delegated to that user");
        }
        public bool IsFrozen() => inner.IsFrozen();
        public IReadOnlyList<int> Pids() => inner.Pids();
        public void KillAll(int signal) => inner.KillAll(signal);
        public void Destroy() { if (!_skipped) inner.Destroy(); }
        public bool Exists() => !_skipped && inner.Exists();
        public CgroupStats Stats() => inner.Stats();
        public OomWatcher? WatchOom() => _skipped ? null : inner.WatchOom();
    }
}
