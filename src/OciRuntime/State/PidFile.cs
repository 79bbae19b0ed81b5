using System.Text;

namespace OciRuntime.State;

/// <summary>--pid-file of create, run, restore and exec: the pid in decimal, no newline (runc's format), replaced
/// atomically so a reader never sees a half-written number.</summary>
internal static class PidFile
{
    internal static void Write(string? path, int pid)
    {
        if (path is null) return;
        StateStore.WriteAtomic(Path.GetFullPath(path), Encoding.ASCII.GetBytes(pid.ToString()));
    }
}
