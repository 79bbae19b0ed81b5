using System.Runtime.InteropServices;
using System.Text;
using OciRuntime.Interop;
using OciRuntime.Launch;
using OciSpec;
using Seccomp;

namespace OciRuntime.Security;

/// <summary>
/// linux.seccomp: compiled by the parent while it checks the config (a bad profile fails before anything exists),
/// carried to init as the program's bytes, loaded at the moment DESIGN.md §4 gives. With SCMP_ACT_NOTIFY the
/// kernel hands init a listener fd, which init passes to the parent over the sync socket (SCM_RIGHTS): init is
/// already inside the container's root and cannot reach <c>listenerPath</c>; the parent forwards it there.
/// </summary>
internal sealed class SeccompSetup(byte[] program, uint flags)
{
    private const int SECCOMP_SET_MODE_FILTER = 1;

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

    internal static SeccompSetup? FromPlan(byte[]? program, uint flags) =>
        program is { Length: > 0 } ? new SeccompSetup(program, flags) : null;

    /// <summary>Installs the filter on the calling thread (the one that will execve); with a notify rule, hands the
    /// listener fd to the parent and waits until it has reached <c>listenerPath</c>.</summary>
    internal void Load(SyncChannel sync)
    {
        int fd = Load();
        if (fd < 0) return;
        try
        {
            // Two messages: the announcement (plain, the parent reads it with read()), then the fd (recvmsg).
            sync.Send(SyncChannel.InitSeccompFd);
            Sys.SendWithFds(sync.Fd, [0], [fd]);
        }
        finally
        {
            Sys.Close(fd);
        }
        var reply = sync.Receive();
        if (reply.IsEmpty || reply[0] != SyncChannel.ParentSeccompDone)
            throw new HookAbort(reply.Length > 1 ? Encoding.UTF8.GetString(reply[1..]) : "seccomp listener not reached");
    }

    /// <summary>Returns the notify fd with NEW_LISTENER, else -1.</summary>
    internal unsafe int Load()
    {
        fixed (byte* p = program)
        {
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }
            ulong* prog = stackalloc ulong[2];
            prog[0] = (ulong)(program.Length / 8);
            prog[1] = (ulong)p;
            long r = Sys.Fast(Nr.seccomp, SECCOMP_SET_MODE_FILTER, flags, (long)prog);
            if (r < 0)
                throw new RuntimeError($"linux.seccomp: load filter ({program.Length / 8} instructions, flags 0x{flags:x}): {SyscallException.Describe((int)-r)}");
            if ((flags & FilterFlags.NewListener) != 0) return (int)r;
            // With TSYNC alone, a positive result is the id of a thread that could not be synchronized.
            if (r > 0) throw new RuntimeError($"linux.seccomp.flags: SECCOMP_FILTER_FLAG_TSYNC: thread {r} could not take the filter");
            return -1;
        }
    }
}
