using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// What every compiler reads and the slots they share. The orchestrator (<see cref="SetupCompiler"/>) makes it;
/// each family compiler appends its operations to <see cref="P"/> in the order the orchestrator calls it.
/// </summary>
internal sealed class SetupContext(InitPlan plan, Spec spec, SetupProgram program)
{
    public InitPlan Plan { get; } = plan;
    public Spec Spec { get; } = spec;
    public SetupProgram P { get; } = program;
    public Linux Linux { get; } = spec.Linux ?? new Linux();
    public OciSpec.Process Process { get; } = spec.Process ?? throw new RuntimeError("process: missing");
    public bool MountNs { get; } = Namespaces.Has(spec, NamespaceKind.Mount);
    public bool UserNs { get; } = Namespaces.Has(spec, NamespaceKind.User);
    /// <summary>The host's cgroup mounts as create read them, or null (then read where a cgroup mount needs them).</summary>
    public Cgroups.CgroupLayout? CgroupLayout { get; init; }

    /// <summary>The verified procfs every /proc write goes beneath (CoreRoutines.OpenProc); closed by the process
    /// compiler after the last write, before anything of the user's runs.</summary>
    public int ProcSlot { get; set; } = -1;
    /// <summary>The rootfs as an O_PATH directory fd, once the mount compiler has opened it (mount namespace).</summary>
    public int RootSlot { get; set; } = -1;
    /// <summary>Without a mount namespace: the host's /proc, held from before the chroot, for the exec FIFO.</summary>
    public int HostProcSlot { get; set; } = -1;
    /// <summary>The parent's state documents for hooks run in the container ("creating\ncreated"), filled by the
    /// Hooks request; its length lands in <see cref="StateLenSlot"/>.</summary>
    public unsafe byte* StateBuffer { get; set; }
    public int StateBufferSize { get; set; }
    public int StateLenSlot { get; set; } = -1;

    // Process family (ProcessCompiler): `exec --user NAME` ids looked up in the container, and the user process
    // that Finish resolved and Exec runs.
    /// <summary>Slots of the looked-up uid, gid and count of supplementary groups (in <see cref="GroupBuffer"/>);
    /// -1 when the ids are the config's numbers.</summary>
    public int UidSlot { get; set; } = -1;
    public int GidSlot { get; set; } = -1;
    public int GroupCountSlot { get; set; } = -1;
    public unsafe uint* GroupBuffer { get; set; }
    /// <summary>The path PATH lookup found, argv and envp (HOME filled in by the zone when the config has none).</summary>
    public unsafe byte* ExecPath { get; set; }
    public unsafe byte** ExecArgv { get; set; }
    public unsafe byte** ExecEnvp { get; set; }
    /// <summary>What the lookup returned: 0 args[0] itself, k+1 the k-th PATH entry; <see cref="ExecPathOf"/> turns
    /// it back into the path for the parent's words.</summary>
    public int ExecFoundSlot { get; set; } = -1;
    public Func<int, string>? ExecPathOf { get; set; }

    // Start family: the memfd the hooks run in the container write their output to (the parent's, so that it
    // can word a failure), made with the first such hook.
    public int HookOutputSlot { get; set; } = -1;
    public int HookOutputFd { get; set; } = -1;
    /// <summary>The procfs the exec FIFO is reopened through at the gate: the container's /proc, proven before
    /// Ready, or the host's (<see cref="HostProcSlot"/>) without a mount namespace.</summary>
    public int GateProcSlot { get; set; } = -1;
    /// <summary>Set by the gate's reset: dispositions are default from there on (nothing after the gate installs a
    /// handler, and the --init reaper's child clears its own mask), so the execve needs no second reset.</summary>
    public bool SignalsReset { get; set; }

    /// <summary>The CLI's argument and environment areas (ReaperRoutine.ArgumentArea), read at first use: the
    /// setup process's retitle and --init's pid 1 both overwrite them.</summary>
    public unsafe long* ArgumentArea
    {
        get
        {
            if (!_argumentAreaRead) { _argumentArea = (nint)ReaperRoutine.ArgumentArea(P); _argumentAreaRead = true; }
            return (long*)_argumentArea;
        }
    }
    private nint _argumentArea;
    private bool _argumentAreaRead;

    // Mount family: whether SELinux is on (null: as the host says, SeLinux.Enabled); set by tests of mountLabel.
    public bool? SeLinuxEnabled { get; init; }
}

/// <summary>A compiler met a spec it cannot express (one family left out what another needs): create fails naming it.</summary>
internal sealed class NotCompiled(string what) : Exception(what);
