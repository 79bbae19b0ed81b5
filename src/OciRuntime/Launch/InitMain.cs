using System.Buffers.Binary;
using System.Text;
using OciRuntime.Hooks;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Launch;

/// <summary>
/// `ocirun init` (hidden): the container's first process, started by the zone inside the new namespaces.
/// It sets the container up, reports ready, waits for `start` on the exec FIFO, then execs the user process.
/// </summary>
internal static class InitMain
{
    internal static int Run()
    {
        if (!int.TryParse(System.Environment.GetEnvironmentVariable("_OCIRUN_SYNC"), out int syncFd) ||
            !int.TryParse(System.Environment.GetEnvironmentVariable("_OCIRUN_PLAN"), out int planFd))
        {
            System.Console.Error.WriteLine("ocirun init: for ocirun's own use only");
            return 2;
        }
        var sync = new SyncChannel(syncFd);
        InitPlan plan;
        Spec spec;
        ExecTarget target;
        ContainerInit init;
        var timer = new PhaseTimer(true, "init");
        try
        {
            var bytes = Sys.ReadAllAt(planFd, "init plan");
            Sys.Close(planFd);
            int len = BinaryPrimitives.ReadInt32LittleEndian(bytes);
            plan = InitPlanCodec.Decode(bytes.AsSpan(4, len));
            spec = OciJson.ParseSpec(bytes.AsSpan(4 + len));
            timer.Mark("read-plan");
            init = new ContainerInit(plan, spec, sync, timer);
            target = plan.Exec ? init.PrepareExec() : init.Prepare();
        }
        catch (HookAbort)
        {
            return 1;
        }
        catch (Exception e)
        {
            TrySend(sync, SyncChannel.InitError, Describe(e));
            return 1;
        }

        if (plan.Exec) return ExecNow(sync, target);

        var phases = new StringWriter();
        if (plan.Trace) timer.Report(phases);
        sync.Send(SyncChannel.InitReady, plan.Trace ? PhaseList(phases.ToString()) : "");
        sync.Dispose();

        int fifo = -1;
        try
        {
            fifo = ExecGate.WaitForStart(plan.FifoFd, init.HostProcFd);
            HookRunner.RunAll("startContainer", spec.Hooks?.StartContainer, init.CreatedState);
            if (plan.UseInit) return InitReaper.Run(target, fifo, plan.PreserveFds, spec.Process!.Terminal);
            InitReaper.ResetSignals();
            long r = target.Exec();
            throw new RuntimeError($"process.args[0]: exec {target.Path}: {ExecTarget.ErrnoText((int)-r)}");
        }
        catch (Exception e)
        {
            if (fifo >= 0) ExecGate.ReportFailure(fifo, Describe(e));
            return 1;
        }
    }

    /// <summary>exec: ready, then execve at once; the parent reads the sync socket to its end (it closes on
    /// exec), so an error written here is the only way it learns that execve failed.</summary>
    private static int ExecNow(SyncChannel sync, ExecTarget target)
    {
        sync.Send(SyncChannel.InitReady);
        Sys.SetCloexec(sync.Fd, true);
        InitReaper.ResetSignals();
        long r = target.Exec();
        TrySend(sync, SyncChannel.InitError, $"process.args[0]: exec {target.Path}: {ExecTarget.ErrnoText((int)-r)}");
        return 1;
    }

    private static string PhaseList(string report)
    {
        // "ocirun init timing (ms): a=1 b=2 total=3" -> "a=1 b=2"
        int colon = report.IndexOf("): ", StringComparison.Ordinal);
        return colon < 0 ? "" : report[(colon + 3)..].Trim();
    }

    private static string Describe(Exception e) => e is RuntimeError or SyscallException or SpecFormatException
        ? e.Message
        : $"{e.GetType().Name}: {e.Message}";

    private static void TrySend(SyncChannel sync, byte kind, string text)
    {
        try { sync.Send(kind, text); } catch (SyscallException) { }
    }
}
