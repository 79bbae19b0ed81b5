using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Rootfs;

/// <summary>linux.personality: the execution domain, kept across execve (LINUX32 makes uname -m say i686).</summary>
internal static class Personality
{
    private const long PER_LINUX = 0x0000, PER_LINUX32 = 0x0008;

    internal static void Set(LinuxPersonality? p)
    {
        if (p is null) return;
        long domain = p.Domain switch
        {
            "LINUX" => PER_LINUX,
            "LINUX32" => PER_LINUX32,
            _ => throw new RuntimeError($"linux.personality.domain: unknown domain \"{p.Domain}\""),
        };
        long r = Sys.Fast(Nr.personality, domain);
        if (r < 0) throw new RuntimeError($"linux.personality: personality({p.Domain}): {SyscallException.Describe((int)-r)}");
    }
}
