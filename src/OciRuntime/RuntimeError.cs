namespace OciRuntime;

/// <summary>An error to report to the user as one line; the process exits non-zero.</summary>
internal class RuntimeError(string message) : Exception(message);

/// <summary>The container does not exist (a distinct case engines test for).</summary>
internal sealed class ContainerNotFound(string id) : RuntimeError($"container \"{id}\" does not exist");
