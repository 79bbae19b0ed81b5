using OciRuntime.Interop;

namespace OciRuntime.Rootfs;

/// <summary>
/// Words of the maskedPaths refusals (Setup/PathCompiler lays the masks out, Setup/PathRoutines makes them): a
/// /dev/null that is not the null device is named by what it is.
/// </summary>
internal static class PathMasks
{
    /// <summary>Words for a file's type (and device numbers), for "/dev/null is not the null device but …".</summary>
    internal static string WhatFileIs(uint type, uint major, uint minor) => type switch
    {
        Sys.S_IFCHR => $"char {major}:{minor}",
        Sys.S_IFBLK => $"block {major}:{minor}",
        Sys.S_IFREG => "a regular file",
        Sys.S_IFDIR => "a directory",
        Sys.S_IFIFO => "a FIFO",
        _ => $"file type 0x{type:x}",
    };
}
