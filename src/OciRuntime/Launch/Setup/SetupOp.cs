using System.Runtime.InteropServices;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// One operation of a setup program: a system call with pre-built arguments, or one small fixed routine of the
/// zone. Laid out in unmanaged memory by <see cref="SetupProgram"/> before the clone; only read by the zone.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SetupOp
{
    public const int ArgCount = 6;

    /// <summary><see cref="OpKind"/>: 1 a raw system call, others a routine of one family (see ProgramInterpreter).</summary>
    public int Kind;
    /// <summary>Slot that receives the result (a descriptor, a length, a flag), or -1.</summary>
    public int Out;
    /// <summary>Bit i set: Args[i] is a slot number, replaced by the slot's value when the operation runs.</summary>
    public int SlotMask;
    /// <summary>0: always runs. s+1: runs only if slot s is non-zero. -(s+1): only if slot s is zero.</summary>
    public int Cond;
    /// <summary>The system call number for <see cref="OpKind.Syscall"/>; a routine's own selector otherwise.</summary>
    public long Nr;
    public fixed long Args[ArgCount];
    /// <summary>Bit e set: a result of -e is not a failure (the -e goes into Out). Only errnos below 64.</summary>
    public ulong Tolerated;
}

/// <summary>Operation kinds. A family's routines take a range of a hundred: the interpreter hands the range to the
/// family's own switch, so each family is one file and adding a routine touches nothing shared.</summary>
internal static class OpKind
{
    /// <summary>Nr with Args (after slot substitution).</summary>
    public const int Syscall = 1;
    /// <summary>Core routines (CoreRoutines): procfs, /proc writes, the sync socket, signals, timing, exit.</summary>
    public const int CoreFirst = 10;
    /// <summary>RootPreparation, mounts, cgroup mounts, tmpcopyup, pivot_root (MountRoutines).</summary>
    public const int MountFirst = 100;
    /// <summary>/dev, masked and read-only paths (PathRoutines).</summary>
    public const int PathFirst = 200;
    /// <summary>Credentials, capabilities, seccomp, cwd, users, PATH lookup, execve (ProcessRoutines).</summary>
    public const int ProcessFirst = 300;
    /// <summary>Console, hooks run in the container, the exec FIFO, the --init reaper (StartRoutines).</summary>
    public const int StartFirst = 400;
    public const int End = 500;
}
