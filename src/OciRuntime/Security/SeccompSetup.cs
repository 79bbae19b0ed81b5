using System.Runtime.InteropServices;
using OciRuntime.Interop;
using OciSpec;
using Seccomp;

namespace OciRuntime.Security;

/// <summary>
/// linux.seccomp: compiled by the parent while it checks the config (a bad profile fails before anything exists),
/// carried to init as the program's bytes, loaded at the moment DESIGN.md §4 gives.
/// </summary>
internal sealed class SeccompSetup(byte[] program, uint flags)
{
    private const int SECCOMP_SET_MODE_FILTER = 1;

    /// <summary>Compiles the config's profile; null when there is none.</summary>
    internal static CompiledFilter? Compile(Spec spec)
    {
        if (spec.Linux?.Seccomp is not { } s) return null;
        if (s.ListenerPath is not null || HasNotify(s))
            throw new RuntimeError("linux.seccomp: SCMP_ACT_NOTIFY and listenerPath are not supported by this build yet");
        try { return SeccompCompiler.Compile(SeccompProfileMapper.Map(s)); }
        catch (SeccompException e) { throw new RuntimeError($"linux.seccomp.{e.Message}"); }
    }

    private static bool HasNotify(LinuxSeccomp s) =>
        s.DefaultAction == "SCMP_ACT_NOTIFY" || s.Syscalls?.Any(c => c.Action == "SCMP_ACT_NOTIFY") == true;

    internal static byte[] Serialize(CompiledFilter f) => MemoryMarshal.AsBytes(f.Program.AsSpan()).ToArray();

    internal static SeccompSetup? FromPlan(byte[]? program, uint flags) =>
        program is { Length: > 0 } ? new SeccompSetup(program, flags) : null;

    /// <summary>Installs the filter on the calling thread (the one that will execve).</summary>
    internal unsafe void Load()
    {
        fixed (byte* p = program)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            ulong* prog = stackalloc ulong[2];
            prog[0] = (ulong)(program.Length / 8);
            prog[1] = (ulong)p;
            long r = Sys.Fast(Nr.seccomp, SECCOMP_SET_MODE_FILTER, flags, (long)prog);
            if (r < 0) throw new RuntimeError($"linux.seccomp: load filter ({program.Length / 8} instructions): {SyscallException.Describe((int)-r)}");
        }
    }
}
