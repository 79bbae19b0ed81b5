using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Runs a setup program in the fork-safe zone: each operation in order, its slot arguments filled in, its result
/// stored, and the first failure reported as (operation, errno, detail). The program ends in execve (or an Exit
/// operation); running off its end is an error. The rules at the top of ForkSafe.cs apply to every line here and
/// in the routines: no managed allocation, no exception, raw system calls only.
/// </summary>
internal static unsafe class ProgramInterpreter
{
    internal static void Run(ZoneState* z)
    {
        long* a = stackalloc long[SetupOp.ArgCount];
        for (int i = 0; i < z->OpCount; i++)
        {
            SetupOp* op = z->Ops + i;
            z->Current = i;
            z->Detail = 0;
            if (op->Cond != 0)
            {
                int slot = op->Cond > 0 ? op->Cond - 1 : -op->Cond - 1;
                bool set = z->Slots[slot] != 0;
                if (set != op->Cond > 0) continue;
            }
            for (int k = 0; k < SetupOp.ArgCount; k++)
                a[k] = (op->SlotMask & (1 << k)) != 0 ? z->Slots[op->Args[k]] : op->Args[k];

            long r = Dispatch(z, op, a);
            if (r < 0)
            {
                long e = -r;
                if (e >= 64 || (op->Tolerated & (1UL << (int)e)) == 0) Fail(z, e);
            }
            if (op->Out >= 0) z->Slots[op->Out] = r;
        }
        Fail(z, Errno.EINVAL); // a program ends in execve or Exit
    }

    private static long Dispatch(ZoneState* z, SetupOp* op, long* a)
    {
        int kind = op->Kind;
        if (kind == OpKind.Syscall) return Sys.Fast(op->Nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (kind < OpKind.MountFirst) return CoreRoutines.Run(z, op, a);
        if (kind < OpKind.PathFirst) return MountRoutines.Run(z, op, a);
        if (kind < OpKind.ProcessFirst) return PathRoutines.Run(z, op, a);
        if (kind < OpKind.StartFirst) return ProcessRoutines.Run(z, op, a);
        if (kind < OpKind.End) return StartRoutines.Run(z, op, a);
        return -Errno.ENOSYS;
    }

    /// <summary>Reports the failure of the current operation and ends the zone. Before the gate the parent hears it
    /// on the sync socket; after it, `start` reads it from the exec FIFO.</summary>
    internal static void Fail(ZoneState* z, long errno)
    {
        if (z->FifoFd >= 0 && z->FailText[z->Current] != null)
        {
            byte* buf = z->Scratch;
            int n = ZoneLib.AppendByte(buf, 0, ZoneState.ScratchSize, (byte)'E');
            n = ZoneLib.Append(buf, n, ZoneState.ScratchSize, z->FailText[z->Current]);
            n = ZoneLib.AppendByte(buf, n, ZoneState.ScratchSize, 1);
            n = ZoneLib.AppendNumber(buf, n, ZoneState.ScratchSize, errno);
            n = ZoneLib.AppendByte(buf, n, ZoneState.ScratchSize, 1);
            n = ZoneLib.AppendNumber(buf, n, ZoneState.ScratchSize, z->Detail);
            if (n > 0) ZoneLib.WriteAll(z->FifoFd, buf, n);
        }
        else if (z->SyncFd >= 0)
        {
            SyncProtocol.ZoneSend(z, ZoneMessage.OpFailed, z->Current, (int)errno, z->Detail);
        }
        Sys.Fast(Nr.exit_group, 1);
    }
}
