using System.Runtime.InteropServices;
using OciSpec;
using Seccomp;

namespace OciRuntime.Security;

/// <summary>
/// linux.seccomp: compiled by the parent while it checks the config (a bad profile fails before anything exists),
/// carried into the setup program as the filter's bytes and loaded there at the moment DESIGN.md §4 gives
/// (Setup/ProcessCompiler). With SCMP_ACT_NOTIFY the kernel hands the zone a listener fd, which it passes to the
/// parent over the sync socket (SCM_RIGHTS): the zone is already inside the container's root and cannot reach
/// <c>listenerPath</c>; the parent forwards it there (SeccompListener).
/// </summary>
internal static class SeccompSetup
{
    /// <summary>Compiles the config's profile; null when there is none.</summary>
    internal static CompiledFilter? Compile(Spec spec, SeccompCache? cache = null)
    {
        if (spec.Linux?.Seccomp is not { } s) return null;
        var f = cache is null ? CompileNow(s) : cache.GetOrCompile(s, () => CompileNow(s));
        if (f.UsesNotify && string.IsNullOrEmpty(s.ListenerPath))
            throw new RuntimeError("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY (the notify fd has nowhere to go)");
        return f with { FilterFlags = LoadFlags(f.FilterFlags) };
    }

    private static CompiledFilter CompileNow(LinuxSeccomp s)
    {
        try { return SeccompCompiler.Compile(SeccompProfileMapper.Map(s)); }
        catch (SeccompException e) { throw new RuntimeError($"linux.seccomp.{e.Message}"); }
    }

    /// <summary>
    /// The flags as the kernel takes them. TSYNC with NEW_LISTENER is refused (EINVAL) unless TSYNC_ESRCH is set,
    /// because the return value cannot be both a thread id and the fd: libseccomp adds TSYNC_ESRCH then, so do we
    /// (Linux 5.7+). WAIT_KILLABLE_RECV is only valid with NEW_LISTENER: without a notify rule it means nothing and
    /// is dropped, as libseccomp does, rather than failing the load.
    /// </summary>
    internal static uint LoadFlags(uint flags)
    {
        if ((flags & FilterFlags.NewListener) != 0)
        {
            if ((flags & FilterFlags.Tsync) != 0) flags |= FilterFlags.TsyncEsrch;
        }
        else
        {
            flags &= ~FilterFlags.WaitKillableRecv;
        }
        return flags;
    }

    internal static byte[] Serialize(CompiledFilter f) => MemoryMarshal.AsBytes(f.Program.AsSpan()).ToArray();
}
