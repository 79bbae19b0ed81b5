using System.Runtime.InteropServices;
using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>An argument of an operation: a value (number or pointer into the program's memory) or a slot.</summary>
internal readonly record struct Arg(long Value, bool IsSlot, string? Shown = null)
{
    public static implicit operator Arg(long v) => new(v, false);
    public static implicit operator Arg(int v) => new(v, false);
    public static Arg Slot(int slot) => new(slot, true);
    public static unsafe Arg Ptr(void* p, string? shown = null) => new((long)p, false, shown);
    public override string ToString() => IsSlot ? "$" + Value : Shown ?? (Value is > 4096 or < -4096 ? $"0x{Value:x}" : Value.ToString());
}

/// <summary>The managed side of one operation: the config field it serves and the step, for the one-line error
/// (<c>mounts[3] (/data): mount tmpfs: Operation not permitted</c>) and for --debug.</summary>
internal sealed record OpInfo(string Field, string Step, int Kind, long Nr, Arg[] Args)
{
    /// <summary>The operation as --debug prints it: built only when asked (a program has hundreds of operations,
    /// and formatting each one cost create a millisecond).</summary>
    public string Call => Kind == OpKind.Syscall
        ? $"{SetupProgram.SyscallName(Nr)}({string.Join(", ", Args)})"
        : $"{SetupProgram.KindName(Kind)}({string.Join(", ", Args)})";

    /// <summary>Words for a routine's detail value, when it has one (a sub-step, an exit status).</summary>
    public Func<int, int, string>? Words { get; init; }
}

/// <summary>
/// A setup program under construction, then sealed: operations, slots and every argument they point to, in
/// unmanaged memory that the zone reads after the clone (DESIGN.md §3). Built by the compilers in Setup/, one per
/// kernel mechanism; ordinary managed code, so the order of a program is unit-tested without root.
/// </summary>
internal sealed unsafe class SetupProgram : IDisposable
{
    private readonly List<SetupOp> _ops = [];
    private readonly List<OpInfo> _info = [];
    private readonly List<long> _slotInit = [];
    private readonly List<string> _slotNames = [];
    private readonly NativeArena _arena = new();
    private readonly List<string> _marks = [];
    private readonly List<int> _inputFds = [];
    private int _gateFrom = int.MaxValue;

    public ZoneState* State { get; private set; }
    public int Count => _ops.Count;
    public IReadOnlyList<OpInfo> Info => _info;
    public IReadOnlyList<string> Marks => _marks;
    /// <summary>Descriptors of the parent that the program names (in slots): the zone must not close them.</summary>
    public IReadOnlyList<int> InputFds => _inputFds;

    /// <summary>A new slot, holding <paramref name="initial"/> until an operation writes it.</summary>
    public int Slot(string name, long initial = -1)
    {
        _slotInit.Add(initial);
        _slotNames.Add(name);
        return _slotInit.Count - 1;
    }

    /// <summary>A slot that holds a descriptor of the parent's, kept open across the clone for the program.</summary>
    public int InputFd(string name, int fd)
    {
        _inputFds.Add(fd);
        return Slot(name, fd);
    }

    public byte* Str(string s) => _arena.Str(s);

    public Arg StrArg(string s) => Arg.Ptr(Str(s), "\"" + s + "\"");

    public byte* Bytes(ReadOnlySpan<byte> bytes) => _arena.Bytes(bytes);

    public T* New<T>() where T : unmanaged => (T*)Alloc(sizeof(T));

    public byte* Buffer(int size) => (byte*)Alloc(size);

    /// <summary>A NULL-terminated array of C strings (argv, envp), with room for <paramref name="spare"/> more
    /// entries that a routine may fill in (HOME, say).</summary>
    public byte** StrArray(IReadOnlyList<string> items, int spare = 0) => _arena.StrArray(items, spare);

    public OpRef Syscall(string field, string step, long nr, params Arg[] args) => Emit(OpKind.Syscall, nr, field, step, args);

    /// <summary>A routine of a family: <paramref name="kind"/> is the family's constant for it.</summary>
    public OpRef Routine(int kind, string field, string step, params Arg[] args) => Emit(kind, 0, field, step, args);

    private OpRef Emit(int kind, long nr, string field, string step, Arg[] args)
    {
        if (State != null) throw new InvalidOperationException("the program is sealed");
        if (args.Length > SetupOp.ArgCount) throw new ArgumentException("too many arguments", nameof(args));
        var op = new SetupOp { Kind = kind, Nr = nr, Out = -1 };
        for (int i = 0; i < args.Length; i++)
        {
            op.Args[i] = args[i].Value;
            if (args[i].IsSlot) op.SlotMask |= 1 << i;
        }
        _ops.Add(op);
        _info.Add(new OpInfo(field, step, kind, nr, args));
        return new OpRef(this, _ops.Count - 1);
    }

    /// <summary>A CLOCK_MONOTONIC mark named for --debug's phase list.</summary>
    public void Mark(string name)
    {
        _marks.Add(name);
        Routine(CoreRoutines.Mark, "", "time " + name, _marks.Count - 1);
    }

    /// <summary>From here on a failure is written to the exec FIFO (`start` reads it), not the sync socket.</summary>
    public void AfterGate() => _gateFrom = _ops.Count;

    internal void Change(int index, Func<SetupOp, SetupOp> f) => CollectionsMarshal.AsSpan(_ops)[index] = f(_ops[index]);
    internal void ChangeInfo(int index, Func<OpInfo, OpInfo> f) => _info[index] = f(_info[index]);

    /// <summary>Lays the program out for the zone. After this nothing may be added.</summary>
    public ZoneState* Seal(int syncFd)
    {
        var z = New<ZoneState>();
        z->Ops = (SetupOp*)Alloc(Math.Max(1, _ops.Count) * sizeof(SetupOp));
        for (int i = 0; i < _ops.Count; i++) z->Ops[i] = _ops[i];
        z->OpCount = _ops.Count;
        z->Slots = (long*)Alloc(Math.Max(1, _slotInit.Count) * sizeof(long));
        for (int i = 0; i < _slotInit.Count; i++) z->Slots[i] = _slotInit[i];
        z->SlotCount = _slotInit.Count;
        z->SyncFd = syncFd;
        z->FifoFd = -1;
        z->Scratch = Buffer(ZoneState.ScratchSize);
        z->Times = (long*)Alloc(Math.Max(1, _marks.Count) * sizeof(long));
        z->FailText = (byte**)Alloc(Math.Max(1, _ops.Count) * sizeof(byte*));
        for (int i = _gateFrom; i < _ops.Count; i++) z->FailText[i] = Str($"{Prefix(_info[i])}{_info[i].Step}");
        State = z;
        return z;
    }

    /// <summary>The one line for a failed operation: field, step, cause.</summary>
    public string Describe(int index, int errno, int detail)
    {
        if (index < 0 || index >= _info.Count) return $"container setup operation {index}: {SyscallException.Describe(errno)}";
        var info = _info[index];
        string cause = info.Words is { } w ? w(errno, detail) : SyscallException.Describe(errno);
        return $"{Prefix(info)}{info.Step}: {cause}";
    }

    private static string Prefix(OpInfo info) => string.IsNullOrEmpty(info.Field) ? "" : info.Field + ": ";

    /// <summary>The program as --debug prints it, one operation a line.</summary>
    public string Print()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < _ops.Count; i++)
        {
            var op = _ops[i];
            sb.Append($"{i,4} ");
            if (op.Cond != 0) sb.Append(op.Cond > 0 ? $"if ${op.Cond - 1} " : $"unless ${-op.Cond - 1} ");
            sb.Append(_info[i].Call);
            if (op.Out >= 0) sb.Append($" -> ${op.Out} ({_slotNames[op.Out]})");
            if (op.Tolerated != 0) sb.Append($" tolerating {string.Join(",", Enumerable.Range(1, 63).Where(e => (op.Tolerated & (1UL << e)) != 0).Select(e => "-" + e))}");
            if (_info[i].Field.Length > 0) sb.Append($"   [{_info[i].Field}]");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    internal static string KindName(int kind) => kind switch
    {
        >= OpKind.StartFirst => StartRoutines.NameOf(kind),
        >= OpKind.ProcessFirst => ProcessRoutines.NameOf(kind),
        >= OpKind.PathFirst => $"path.{kind - OpKind.PathFirst}",
        >= OpKind.MountFirst => $"mount.{kind - OpKind.MountFirst}",
        _ => CoreRoutines.NameOf(kind),
    };

    /// <summary>Names for --debug; a number where the table has none.</summary>
    internal static string SyscallName(long nr) => nr switch
    {
        Nr.mount => "mount", Nr.umount2 => "umount2", Nr.open_tree => "open_tree", Nr.move_mount => "move_mount",
        Nr.fsopen => "fsopen", Nr.fsconfig => "fsconfig", Nr.fsmount => "fsmount", Nr.mount_setattr => "mount_setattr",
        Nr.openat2 => "openat2", Nr.openat => "openat", Nr.close => "close", Nr.mkdirat => "mkdirat",
        Nr.mknodat => "mknodat", Nr.symlinkat => "symlinkat", Nr.fchownat => "fchownat", Nr.fchmodat => "fchmodat",
        Nr.pivot_root => "pivot_root", Nr.chroot => "chroot", Nr.chdir => "chdir", Nr.fchdir => "fchdir",
        Nr.sethostname => "sethostname", Nr.setdomainname => "setdomainname", Nr.setsid => "setsid",
        Nr.prctl => "prctl", Nr.capset => "capset", Nr.setgroups => "setgroups", Nr.setresuid => "setresuid",
        Nr.setresgid => "setresgid", Nr.seccomp => "seccomp", Nr.umask => "umask", Nr.personality => "personality",
        Nr.unshare => "unshare", Nr.ioctl => "ioctl", Nr.dup3 => "dup3", Nr.close_range => "close_range",
        Nr.sched_setattr => "sched_setattr", Nr.ioprio_set => "ioprio_set", Nr.set_mempolicy => "set_mempolicy",
        Nr.sched_setaffinity => "sched_setaffinity", Nr.execve => "execve", Nr.execveat => "execveat",
        Nr.prlimit64 => "prlimit64", Nr.write => "write", Nr.fcntl => "fcntl", Nr.kill => "kill", Nr.getpid => "getpid", Nr.unlinkat => "unlinkat",
        _ => "syscall" + nr,
    };

    private void* Alloc(int size) => _arena.Alloc(size);

    private readonly List<int> _ownedFds = [];

    /// <summary>A descriptor of the parent's that lives as long as the program (closed with it).</summary>
    public int Own(int fd)
    {
        _ownedFds.Add(fd);
        return fd;
    }

    public void Dispose()
    {
        foreach (int fd in _ownedFds) Sys.Close(fd);
        _ownedFds.Clear();
        _arena.Dispose();
        State = null;
    }
}

/// <summary>The operation just emitted, for the modifiers that follow it.</summary>
internal readonly struct OpRef(SetupProgram program, int index)
{
    public int Index => index;

    /// <summary>The result goes into <paramref name="slot"/>.</summary>
    public OpRef Into(int slot) { program.Change(index, o => { o.Out = slot; return o; }); return this; }

    /// <summary>-<paramref name="errno"/> is an answer, not a failure (it goes into the Out slot).</summary>
    public OpRef Tolerate(params int[] errnos)
    {
        foreach (int e in errnos)
        {
            if (e <= 0 || e >= 64) throw new ArgumentOutOfRangeException(nameof(errnos), "only errnos 1-63");
            program.Change(index, o => { o.Tolerated |= 1UL << e; return o; });
        }
        return this;
    }

    /// <summary>Runs only if <paramref name="slot"/> holds non-zero.</summary>
    public OpRef When(int slot) { program.Change(index, o => { o.Cond = slot + 1; return o; }); return this; }

    /// <summary>Runs only if <paramref name="slot"/> holds zero.</summary>
    public OpRef Unless(int slot) { program.Change(index, o => { o.Cond = -(slot + 1); return o; }); return this; }

    /// <summary>Words for the routine's detail value in the one-line error.</summary>
    public OpRef Words(Func<int, int, string> words) { program.ChangeInfo(index, i => i with { Words = words }); return this; }
}
