namespace OciRuntime.State;

/// <summary>The runtime-spec status values (runtime.md "State").</summary>
internal enum LifecycleStatus { Creating, Created, Running, Stopped, Paused }

internal static class LifecycleStatusNames
{
    internal static string ToSpec(this LifecycleStatus s) => s switch
    {
        LifecycleStatus.Creating => "creating",
        LifecycleStatus.Created => "created",
        LifecycleStatus.Running => "running",
        LifecycleStatus.Paused => "paused",
        _ => "stopped",
    };
}
