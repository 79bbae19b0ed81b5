using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Compiles the init sequence of DESIGN.md §4 (and exec's shorter one) into a setup program, calling each
/// family's compiler in that order. The order lives here and nowhere else.
/// </summary>
internal static class SetupCompiler
{
    /// <summary>The program. Every spec compiles: a NotCompiled is a gap between two of the compilers (one left out
    /// what another needs), reported as such rather than run some other way.</summary>
    internal static SetupProgram Compile(InitPlan plan, OciSpec.Spec spec, Cgroups.CgroupLayout? layout)
    {
        var program = new SetupProgram();
        try
        {
            var c = new SetupContext(plan, spec, program) { CgroupLayout = layout };
            if (plan.Exec) CompileExec(c); else CompileCreate(c);
            return program;
        }
        catch (NotCompiled e)
        {
            program.Dispose();
            throw new RuntimeError($"setup program: cannot compile: {e.Message}");
        }
        catch
        {
            program.Dispose();
            throw;
        }
    }

    /// <summary>What `ps` shows for a container's process until its execve (a clone of the CLI keeps the CLI's
    /// command line; the name tells it from the CLI, as "runc:[2:INIT]" does for runc).</summary>
    internal const string ProcessName = "ocirun:setup";

    private static void Name(SetupContext c)
    {
        const long PR_SET_NAME = 15;
        c.P.Syscall("", "name the setup process", Nr.prctl, PR_SET_NAME, c.P.StrArg(ProcessName));
        // Its command line is the CLI's (bundle, --root): readable by every process of the container in /proc.
        unsafe { c.P.Routine(CoreRoutines.Retitle, "", "retitle the setup process", Arg.Ptr(c.ArgumentArea, "argument-area")); }
    }

    private static void CompileCreate(SetupContext c)
    {
        var p = c.P;
        p.Mark("start");
        Name(c);
        // 0. the cgroup namespace, rooted at the container's cgroup once the parent has put us there.
        if (c.Plan.UnshareCgroupNamespace)
        {
            p.Routine(CoreRoutines.Request, "linux.namespaces", "wait for the cgroup join", (long)ZoneMessage.CgroupJoined, 0, 0);
            p.Syscall("linux.namespaces", "create cgroup namespace", Nr.unshare, (long)Sys.CLONE_NEWCGROUP);
        }

        // 1. session, the procfs every /proc write goes beneath (made before any mount of the config exists),
        // oom score, root propagation, rootfs as a mount point.
        p.Syscall("", "setsid", Nr.setsid);
        OpenProc(c);
        ProcessCompiler.OomScore(c);
        if (c.MountNs)
        {
            MountCompiler.PrepareRoot(c);
            p.Mark("prepare-root");
            // 2. mounts, 3. /dev
            MountCompiler.Mounts(c);
            p.Mark("mounts");
            PathCompiler.Dev(c);
            p.Mark("dev");
        }
        else MountCompiler.MountsWithoutNamespace(c);

        // prestart and createRuntime hooks run in the parent, in the runtime's namespaces; it answers with the
        // state documents for the hooks run here (it alone knows our host pid).
        unsafe
        {
            c.StateBufferSize = 64 * 1024;
            c.StateBuffer = p.Buffer(c.StateBufferSize);
            c.StateLenSlot = p.Slot("state-length", 0);
            if (c.Plan.ParentHooks)
                p.Routine(CoreRoutines.Request, "hooks", "run prestart and createRuntime hooks", (long)ZoneMessage.Hooks,
                    Arg.Ptr(c.StateBuffer, "state"), c.StateBufferSize).Into(c.StateLenSlot);
        }
        // 4. createContainer hooks: container namespaces, before pivot_root.
        StartCompiler.CreateContainerHooks(c);

        // 5. the root.
        MountCompiler.Root(c);
        p.Mark("pivot");

        // 6. sysctl (while /proc/sys is still writable), names, read-only paths, masks.
        ProcessCompiler.SysctlAndNames(c);
        if (c.MountNs)
        {
            PathCompiler.ReadOnlyPaths(c);
            PathCompiler.MaskedPaths(c);
        }
        // The container's /proc, proven a procfs, held for the exec FIFO's gate (after the masks: what they cover
        // is not what the gate opens).
        StartCompiler.HoldContainerProc(c);
        p.Mark("paths");

        // 7. console, after the masks; then the read-only root and the root's propagation.
        StartCompiler.Console(c, bindConsole: true);
        if (c.MountNs) MountCompiler.FinishRoot(c);

        // 8. privileges in order, 9. descriptors; the user process resolved.
        ProcessCompiler.Finish(c);
        p.Mark("security");

        // Ready; then the exec FIFO, startContainer hooks, execve (or the --init reaper).
        p.Routine(CoreRoutines.Ready, "", "report ready");
        p.Routine(CoreRoutines.CloseSync, "", "close the sync socket");
        StartCompiler.GateAndExec(c);
    }

    private static void CompileExec(SetupContext c)
    {
        var p = c.P;
        p.Mark("start");
        Name(c);
        ProcessCompiler.ExecUser(c);
        if (c.Process.Terminal) p.Syscall("process.terminal", "setsid", Nr.setsid);
        OpenProc(c);
        StartCompiler.Console(c, bindConsole: false);
        ProcessCompiler.OomScore(c);
        ProcessCompiler.Finish(c);
        p.Mark("security");
        p.Routine(CoreRoutines.Ready, "", "report ready");
        // The parent reads the socket to its end: it closes at execve (close-on-exec), or carries the failure.
        ProcessCompiler.Exec(c);
    }

    private static unsafe void OpenProc(SetupContext c)
    {
        c.ProcSlot = c.P.Slot("proc");
        c.P.Routine(CoreRoutines.OpenProc, "", "open a private procfs", c.P.StrArg("/proc")).Into(c.ProcSlot);
    }
}
