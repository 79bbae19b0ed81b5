using System.Text;
using OciRuntime.Interop;
using OciSpec;

namespace OciRuntime.Launch.Setup;

/// <summary>
/// Compiles the start family's part of the setup program (see SetupCompiler for the order): hooks run in the
/// container, the console, the exec FIFO gate and, with --init, the zone's reaper. It replaced the managed steps
/// of the former `ocirun init`; hooks keep Hooks/HookRunner.cs's words.
/// </summary>
internal static class StartCompiler
{
    private const long TIOCSPTLCK = 0x40045431, TIOCGPTPEER = 0x5441, TIOCSWINSZ = 0x5414, TIOCSCTTY = 0x540E;
    private const string Terminal = "process.terminal";
    /// <summary>Room for the words of a hook failing after the gate: the hook's output is kept to 64 KiB.</summary>
    private const int HookWordsSize = 64 * 1024 + 4096;

    /// <summary>createContainer hooks: in the container's namespaces, before pivot_root, with the parent's first
    /// state document.</summary>
    internal static void CreateContainerHooks(SetupContext c) =>
        Hooks(c, "createContainer", c.Spec.Hooks?.CreateContainer, document: 0);

    /// <summary>After Ready: default signals, the exec FIFO (reopened through the host's /proc that the mount family
    /// held from before the chroot when there is no mount namespace, else through the container's), startContainer hooks, then execve (the process
    /// family's) or, with --init, the reaper's fork first.</summary>
    internal static void GateAndExec(SetupContext c)
    {
        var p = c.P;
        if (c.Plan.FifoFd < 0) throw new NotCompiled("start: a create without an exec fifo");
        int fifo = p.InputFd("exec-fifo", c.Plan.FifoFd);
        // .NET's handlers are the clone's until here and everything is blocked; a created container must die by
        // `kill` while it waits. With --init the reaper's signals stay blocked, queued for its signalfd.
        p.Routine(CoreRoutines.ResetSignals, "", "reset signal dispositions", (long)(c.Plan.UseInit ? ReaperSignals.BlockedMask : 0));
        c.SignalsReset = true;
        int proc = c.GateProcSlot >= 0 ? c.GateProcSlot : c.HostProcSlot;
        if (proc < 0) throw new NotCompiled("start: the gate without a procfs (StartCompiler.HoldContainerProc)");
        p.Routine(StartRoutines.Gate, "", "wait for start on the exec fifo", Arg.Slot(fifo), Arg.Slot(proc)).Words(GateWords);
        p.AfterGate();
        Hooks(c, "startContainer", c.Spec.Hooks?.StartContainer, document: 1);
        if (c.Plan.UseInit)
            unsafe
            {
                p.Routine(StartRoutines.Reaper, "--init", "fork the container's process", c.Process.Terminal ? 1 : 0,
                    (long)ReaperSignals.BlockedMask, Arg.Ptr(c.ArgumentArea, "argument-area"));
            }
        ProcessCompiler.Exec(c);
    }

    /// <summary>process.terminal with a console socket: a pty from the container's devpts, the master sent to the
    /// socket, the slave as stdio and controlling terminal; with <paramref name="bindConsole"/> (create) mounted
    /// on /dev/console too. A terminal without a console socket shares the caller's stdio: nothing to do.</summary>
    internal static unsafe void Console(SetupContext c, bool bindConsole)
    {
        if (!c.Process.Terminal || c.Plan.ConsoleSocketFd < 0) return;
        if (c.ProcSlot < 0) throw new NotCompiled("start: a console without the procfs slot");
        var p = c.P;
        int sock = p.InputFd("console-socket", c.Plan.ConsoleSocketFd);
        int root = p.Slot("console-root"), master = p.Slot("pty-master"), slave = p.Slot("pty-slave");
        p.Syscall(Terminal, "open /", Nr.openat, Sys.AT_FDCWD, p.StrArg("/"), Sys.O_PATH | Sys.O_DIRECTORY | Sys.O_CLOEXEC).Into(root);
        p.Routine(StartRoutines.OpenPtmx, "", Terminal, Arg.Slot(root), Arg.Slot(c.ProcSlot)).Into(master).Words(ConsoleWords.Ptmx);
        int* unlock = p.New<int>();
        p.Syscall(Terminal, "unlock pty", Nr.ioctl, Arg.Slot(master), TIOCSPTLCK, Arg.Ptr(unlock, "&0"));
        p.Syscall(Terminal, "open the pty slave from its master (TIOCGPTPEER)", Nr.ioctl, Arg.Slot(master), TIOCGPTPEER,
            Sys.O_RDWR | Sys.O_NOCTTY | Sys.O_CLOEXEC).Into(slave);
        if (c.Process.ConsoleSize is { } size)
        {
            ushort* ws = (ushort*)p.Buffer(8);
            ws[0] = (ushort)size.Height;
            ws[1] = (ushort)size.Width;
            p.Syscall(Terminal, "set the console size", Nr.ioctl, Arg.Slot(slave), TIOCSWINSZ, Arg.Ptr(ws, $"{{{size.Height}, {size.Width}}}"));
        }
        // /dev/console first: a container that fails there hands no master to anyone.
        if (bindConsole) p.Routine(StartRoutines.BindConsole, "", Terminal, Arg.Slot(root), Arg.Slot(slave)).Words(ConsoleWords.Console);
        p.Routine(StartRoutines.SendMaster, "", Terminal, Arg.Slot(sock), Arg.Slot(master)).Words(ConsoleWords.Master);
        for (int fd = 0; fd < 3; fd++) p.Syscall(Terminal, "dup pty to stdio", Nr.dup3, Arg.Slot(slave), fd, 0);
        p.Syscall(Terminal, "set controlling terminal", Nr.ioctl, 0, TIOCSCTTY, 0);
        foreach (int s in new[] { slave, master, root, sock }) p.Syscall(Terminal, "close", Nr.close, Arg.Slot(s));
    }

    /// <summary>With a mount namespace, the container's /proc is what the gate reopens the exec FIFO through: held
    /// (O_PATH, proven a procfs root) before Ready, so that a container without one fails `create` with words
    /// rather than dying at the gate, or worse, running before `start` (StartRoutines.ContainerProc).</summary>
    internal static void HoldContainerProc(SetupContext c)
    {
        if (!c.MountNs || c.GateProcSlot >= 0) return;
        c.GateProcSlot = c.P.Slot("container-proc");
        c.P.Routine(StartRoutines.ContainerProc, "", "mounts").Into(c.GateProcSlot).Words(ContainerProcWords);
    }

    private static string ContainerProcWords(int errno, int detail) => detail == 1
        ? $"open /proc in the container: {SyscallException.Describe(errno)} (the exec fifo is reopened through /proc/self/fd: mount a procfs at /proc)"
        : "/proc in the container is not a procfs (the exec fifo is reopened through /proc/self/fd: mount a procfs at /proc)";

    /// <summary>One operation per hook, so that each failure names its hooks.kind[i]. The output memfd is the
    /// parent's: it words a failure before the gate from it (the zone does after).</summary>
    private static unsafe void Hooks(SetupContext c, string kind, IReadOnlyList<Hook>? hooks, int document)
    {
        if (hooks is not { Count: > 0 }) return;
        var p = c.P;
        if (c.StateLenSlot < 0 || c.StateBuffer == null) throw new NotCompiled($"start: {kind} hooks without the state documents");
        int output = HookOutput(c);
        int outFd = c.HookOutputFd;
        string[]? inherited = null;
        for (int i = 0; i < hooks.Count; i++)
        {
            var hook = hooks[i];
            string where = $"hooks.{kind}[{i}]";
            var argv = hook.Args is { Count: > 0 } a ? a : [hook.Path];
            IReadOnlyList<string> envp = hook.Env is { } env ? env : (inherited ??= InheritedEnvironment());
            var call = p.New<HookCall>();
            call->Path = p.Str(hook.Path);
            call->Argv = p.StrArray(argv);
            call->Envp = p.StrArray(envp);
            call->TimeoutSeconds = hook.Timeout is int t and > 0 ? t : 0;
            call->Document = document;
            call->Where = p.Str(where);
            if (document == 1)
            {
                call->Words = p.Buffer(HookWordsSize);
                call->WordsSize = HookWordsSize;
            }
            string path = hook.Path;
            int? timeout = hook.Timeout;
            p.Routine(StartRoutines.Hook, "", where, Arg.Ptr(call, path), Arg.Slot(output), Arg.Ptr(c.StateBuffer, "state"), Arg.Slot(c.StateLenSlot))
                .Words((errno, detail) => HookWords(path, timeout, errno, detail, outFd));
        }
    }

    private static int HookOutput(SetupContext c)
    {
        if (c.HookOutputSlot >= 0) return c.HookOutputSlot;
        long fd = MemfdCreate("ocirun-hook-output");
        if (fd < 0) throw new RuntimeError($"hooks: memfd for the hooks' output: {SyscallException.Describe((int)-fd)}");
        // Appends: the hook's stdout and stderr share the description (and its offset) with the parent.
        Sys.Fast(Nr.fcntl, fd, 4 /* F_SETFL */, Sys.O_APPEND);
        c.HookOutputFd = c.P.Own((int)fd);
        c.HookOutputSlot = c.P.InputFd("hook-output", (int)fd);
        return c.HookOutputSlot;
    }

    private static unsafe long MemfdCreate(string name)
    {
        fixed (byte* n = CString.Of(name)) return Sys.Fast(Nr.memfd_create, (long)n, 1 /* MFD_CLOEXEC */);
    }

    /// <summary>The hook's environment when it gives none: the runtime's own, as HookRunner passes it.</summary>
    private static string[] InheritedEnvironment() =>
        System.Environment.GetEnvironmentVariables().Keys.Cast<string>().Select(k => $"{k}={System.Environment.GetEnvironmentVariable(k)}").ToArray();

    /// <summary>HookRunner's words, the output read from the memfd the hook wrote.</summary>
    internal static string HookWords(string path, int? timeout, int errno, int detail, int outFd)
    {
        int kind = detail & ~0xffffff, value = detail & 0xffffff;
        if (kind == HookRoutine.DetailStart) return $"start {path}: {SyscallException.Describe(errno)}";
        if (kind == HookRoutine.DetailTimeout) return $"{path} timed out after {timeout}s";
        string how = kind == HookRoutine.DetailExit ? $"exit status {value}" : $"killed by signal {value}";
        string text = ReadOutput(outFd);
        return $"{path} failed ({how}){(text.Length > 0 ? ": " + text : "")}";
    }

    private static unsafe string ReadOutput(int fd)
    {
        if (fd < 0) return "";
        var buf = new byte[64 * 1024];
        long n;
        fixed (byte* b = buf) n = Sys.Fast(Nr.pread64, fd, (long)b, buf.Length, 0);
        return n <= 0 ? "" : Encoding.UTF8.GetString(buf, 0, (int)n).Trim().Replace('\n', ' ');
    }

    private static string GateWords(int errno, int detail) => detail switch
    {
        2 => "/proc is not the root of a procfs",
        3 => $"open exec fifo: {SyscallException.Describe(errno)}",
        _ => $"write exec fifo: {SyscallException.Describe(errno)}",
    };
}
