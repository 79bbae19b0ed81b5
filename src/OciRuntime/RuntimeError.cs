using OciRuntime.State;

namespace OciRuntime;

/// <summary>An error to report to the user as one line; the process exits non-zero.</summary>
internal class RuntimeError(string message) : Exception(message);

// The messages below hold runc's words verbatim (libcontainer/error.go): engines tell these cases apart by
// substring (conformance/ShimContract.md lists who matches what). Our context follows the words, never splits them.

/// <summary>The container does not exist. containerd matches "does not exist"; podman "not exist".</summary>
internal sealed class ContainerNotFound(string id) : RuntimeError($"container does not exist: \"{id}\"");

/// <summary>The container's init is gone (or not yet started). containerd's shim and podman match "container not running".</summary>
internal sealed class ContainerNotRunning(string id, LifecycleStatus status)
    : RuntimeError($"container not running: {id} is {status.ToSpec()}");

/// <summary>`resume` of a container that is not paused (runc's ErrNotPaused).</summary>
internal sealed class ContainerNotPaused(string id, LifecycleStatus status)
    : RuntimeError($"container not paused: {id} is {status.ToSpec()}");
