namespace OciRuntime.Cli;

/// <summary>
/// The `restore` flags ocirun accepts from runc but cannot honour, refused in one line before anything is made
/// (issue: nothing silently ignored). ocirun restores detached, always (criu --restore-detached): runc without
/// --detach instead waits for the restored process in the foreground. --no-subreaper needs no refusal: runc sets a
/// subreaper only for a foreground restore, so with --detach it changes nothing there either.
/// </summary>
internal static class RestoreFlags
{
    internal static void Check(bool detach, string? consoleSocket, bool noPivot)
    {
        if (consoleSocket is not null)
            throw new RuntimeError("restore --console-socket: restoring a container with a terminal is not supported");
        if (noPivot)
            throw new RuntimeError("restore --no-pivot: not supported (the restored root is always pivoted by criu)");
        if (!detach)
            throw new RuntimeError("restore: only --detach is supported (ocirun does not wait for a restored container in the foreground)");
    }
}
