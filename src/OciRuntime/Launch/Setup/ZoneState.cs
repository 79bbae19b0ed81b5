using System.Runtime.InteropServices;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// The header of a setup program as the zone sees it: the operations, the slots they pass results through, the
/// sync socket and scratch space. Everything it points to was laid out by <see cref="SetupProgram"/> before the
/// clone; the zone writes only into its own copy (slots, scratch, times, message).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ZoneState
{
    public const int ScratchSize = 64 * 1024, MessageSize = 16;

    public SetupOp* Ops;
    public int OpCount;
    /// <summary>The operation running now (reported with a failure).</summary>
    public int Current;
    public long* Slots;
    public int SlotCount;
    /// <summary>A routine's sub-step or value (a hook's exit status, say), reported with a failure.</summary>
    public int Detail;
    /// <summary>The zone's end of the sync socket; -1 once closed (create: after Ready).</summary>
    public int SyncFd;
    /// <summary>The write end of the exec FIFO once `start` opened it: failures after the gate are written there,
    /// as 'E' + the operation's pre-rendered text (<see cref="FailText"/>) + "\x01errno\x01detail".</summary>
    public int FifoFd;
    /// <summary>Per operation, the words for a failure after the gate (null for operations before it).</summary>
    public byte** FailText;
    /// <summary>Scratch for routines (paths, file contents, control messages); one routine at a time.</summary>
    public byte* Scratch;
    /// <summary>CLOCK_MONOTONIC marks, in nanoseconds, for --debug's phase list (Mark operations).</summary>
    public long* Times;
    public int TimeCount;
    /// <summary>The signal mask to restore for the user process (empty: ocirun's own blocks never pass on).</summary>
    public ulong ExecSignalMask;
    public fixed int Message[4];
}
