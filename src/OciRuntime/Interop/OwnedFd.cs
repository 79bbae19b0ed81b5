using System.Runtime.CompilerServices;

namespace OciRuntime.Interop;

/// <summary>
/// A descriptor this code owns: <c>using var dir = OwnedFd.Check(Sys.TryOpenAt(...), "open x");</c> closes it when the
/// scope ends, on every path, errors included (crun's <c>cleanup_close</c> is the idea). A struct, so owning a
/// descriptor allocates nothing; never copy one (pass <see cref="Fd"/>), or two copies would close one number.
/// <see cref="Release"/> hands the descriptor on (returned to the caller, given to an object that closes it).
/// <para>Not in the fork-safe zone (Launch/ForkSafe.cs, Launch/Setup/*Routines.cs, ProgramInterpreter): there a
/// descriptor stays a raw <c>long</c>. The zone's code must not depend on exception unwinding (a <c>using</c> is a
/// try/finally), its descriptors live in the setup program's slots across operations rather than in one scope, and
/// its errors are <c>-errno</c> values each routine handles in line, closing what it opened itself.</para>
/// </summary>
internal struct OwnedFd : IDisposable
{
    private int _fd;

    /// <summary>Owns <paramref name="fd"/>; a negative value (an <c>-errno</c> result) owns nothing.</summary>
    internal OwnedFd(long fd) => _fd = fd >= 0 ? checked((int)fd) : -1;

    /// <summary>Owns the descriptor a system call returned, or throws a <see cref="SyscallException"/> naming
    /// <paramref name="operation"/> when it returned <c>-errno</c>.</summary>
    internal static OwnedFd Check(long result, string operation) => new(Sys.CheckFd(result, operation));

    /// <summary>The descriptor number, -1 when none is owned.</summary>
    internal readonly int Fd => _fd;

    internal readonly bool IsOpen => _fd >= 0;

    /// <summary>Gives the descriptor up without closing it and returns it; the end of the scope then closes nothing.</summary>
    internal readonly int Release() => Take();

    /// <summary>Closes the descriptor now (early, or at the end of a <c>using</c> scope); a second call does nothing.</summary>
    public readonly void Dispose()
    {
        int fd = Take();
        if (fd >= 0) Sys.Close(fd);
    }

    // A `using` local is read-only, and C# runs a mutating method of a read-only struct on a copy: the local would
    // keep the number and close it again. Release and Dispose are `readonly` members, so they run on the local
    // itself, and clear it there.
    private readonly int Take()
    {
        int fd = _fd;
        Unsafe.AsRef(in _fd) = -1;
        return fd;
    }

    public override readonly string ToString() => _fd.ToString();
}
