using OciRuntime.Interop;

namespace OciRuntime.Launch;

/// <summary>The words of the user process's execve, shared by the setup program's compiler (Setup/ProcessCompiler
/// looks args[0] up in the container's PATH) and the exec gate's failure text.</summary>
internal static class ExecTarget
{
    /// <summary>PATH when process.env has none, as runc and execvp take it.</summary>
    internal const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>
    /// An errno as runc words it (Go's text: strerror in lower case). docker's client picks the exit code of a
    /// failed `run` from these words, case-sensitively: "no such file or directory" 127, "permission denied" 126.
    /// </summary>
    internal static string ErrnoText(int errno)
    {
        string s = SyscallException.Describe(errno);
        return s.Length > 0 ? char.ToLowerInvariant(s[0]) + s[1..] : s;
    }
}
