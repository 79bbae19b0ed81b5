using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Security;

/// <summary>
/// The parent's half of SCMP_ACT_NOTIFY: takes the notify fd the setup program sent over the sync socket and passes it to
/// <c>linux.seccomp.listenerPath</c> with the runtime-spec ContainerProcessState in the same message, as runc does
/// (connect, one sendmsg with the JSON and the fd, close).
/// </summary>
internal static class SeccompListener
{
    /// <summary>Passes the notify fd the container's process sent to linux.seccomp.listenerPath.</summary>
    internal static void ForwardFd(int notifyFd, Spec spec, string id, string bundle, int processPid, bool exec)
    {
        var s = spec.Linux?.Seccomp;
        string path = s?.ListenerPath is { Length: > 0 } p ? p
            : throw new RuntimeError("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
        var state = StateOf(spec, id, bundle, processPid, exec);
        Send(path, OciJson.Serialize(state), notifyFd);
    }

    internal static ContainerProcessState StateOf(Spec spec, string id, string bundle, int processPid, bool exec) => new()
    {
        OciVersion = RuntimeInfo.OciVersion,
        Fds = [ContainerProcessState.SeccompFdName],
        Pid = processPid,
        Metadata = spec.Linux?.Seccomp?.ListenerMetadata,
        State = new OciSpec.State
        {
            OciVersion = RuntimeInfo.OciVersion, Id = id, Bundle = bundle, Annotations = spec.Annotations,
            // runc: "creating" with init's pid while the container comes up; "running" with the container's init
            // pid for a process that `exec` adds.
            Status = exec ? ContainerStatus.Running : ContainerStatus.Creating,
            Pid = exec ? InitPidOf(spec) ?? processPid : processPid,
        },
    };

    /// <summary>`exec` joins the container's namespaces through /proc/INIT/ns/*: the init pid is in those paths.</summary>
    private static int? InitPidOf(Spec spec)
    {
        foreach (var ns in spec.Linux?.Namespaces ?? [])
        {
            if (ns.Path is not { } p || !p.StartsWith("/proc/", StringComparison.Ordinal)) continue;
            int slash = p.IndexOf("/ns/", 6, StringComparison.Ordinal);
            if (slash > 6 && int.TryParse(p.AsSpan(6, slash - 6), out int pid)) return pid;
        }
        return null;
    }

    private static void Send(string path, byte[] json, int fd)
    {
        OwnedFd sock;
        try { sock = new OwnedFd(Sys.ConnectUnix(path)); }
        catch (SyscallException e) { throw new RuntimeError($"linux.seccomp.listenerPath: {e.Message}"); }
        using (sock)
        {
            try { Sys.SendWithFds(sock.Fd, json, [fd]); }
            catch (SyscallException e) { throw new RuntimeError($"linux.seccomp.listenerPath: send to {path}: {e.Message}"); }
        }
    }
}
