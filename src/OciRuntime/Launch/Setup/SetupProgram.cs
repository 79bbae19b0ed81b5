using System.Runtime.InteropServices;
using System.Text;
using OciRuntime.Interop;

namespace OciRuntime.Launch.Setup;

/// <summary>An argument of an operation: a value (number or pointer into the program's memory) or a slot.</summary>
internal readonly record struct Arg(long Value, bool IsSlot, string? Shown = null, bool IsString = false)
{
    public static implicit operator Arg(long v) => new(v, false);
    public static implicit operator Arg(int v) => new(v, false);
    public static Arg Slot(int slot) => new(slot, true);
    public static unsafe Arg Ptr(void* p, string? shown = null) => new((long)p, false, shown);
    /// <summary>A C string of the program's: --debug shows it quoted, read back from the program's memory (only
    /// --debug prints it, so nothing is built for it on the way).</summary>
    public static unsafe Arg CStr(byte* p) => new((long)p, false, IsString: true);
    public override unsafe string ToString() => IsSlot ? "$" + Value : Shown
        ?? (IsString ? "\"" + CString.Read((byte*)Value) + "\"" : Value is > 4096 or < -4096 ? $"0x{Value:x}" : Value.ToString());
}

/// <summary>The managed side of one operation: the config field it serves and the step, for the one-line error
/// (<c>mounts[3] (/data): mount tmpfs: Operation not permitted</c>) and for --debug. The arguments themselves live
/// in the operation (SetupOp); only what --debug shows beyond their values is kept here (which are C strings, and
/// the names given to pointers), so an operation costs the CLI's heap one small object.</summary>
internal sealed class OpInfo(SetupProgram program, int index, string field, string step, int kind, long nr, int argCount, int stringMask, string?[]? shown)
{
    public string Field { get; } = field;
    public string Step { get; } = step;
    public int Kind { get; } = kind;
    public long Nr { get; } = nr;

    /// <summary>The arguments as emitted (values, slots, what --debug shows for them).</summary>
    public unsafe Arg[] Args
    {
        get
        {
            var op = program.Op(index);
            var args = new Arg[argCount];
            for (int i = 0; i < argCount; i++)
                args[i] = new Arg(op.Args[i], (op.SlotMask & (1 << i)) != 0, shown?[i], (stringMask & (1 << i)) != 0);
            return args;
        }
    }

    /// <summary>The operation as --debug prints it: built only when asked (a program has hundreds of operations,
    /// and formatting each one cost create a millisecond).</summary>
    public string Call => Kind == OpKind.Syscall
        ? $"{SetupProgram.SyscallName(Nr)}({string.Join(", ", Args)})"
        : $"{SetupProgram.KindName(Kind)}({string.Join(", ", Args)})";

    /// <summary>Words for a routine's detail value, when it has one (a sub-step, an exit status).</summary>
    public Func<int, int, string>? Words { get; set; }
}

/// <summary>
/// A setup program under construction, then sealed: operations, slots and every argument they point to, in
/// unmanaged memory that the zone reads after the clone (DESIGN.md §3). Built by the compilers in Setup/, one per
/// kernel mechanism; ordinary managed code, so the order of a program is unit-tested without root.
/// </summary>
internal sealed unsafe class SetupProgram : IDisposable
{
    // Sized for a create's program (~250 operations, ~60 slots, ~400 blocks): growing them was a tenth of what
    // compiling allocated, and every page the CLI's heap touches before the clone is one the zone holds.
    private readonly List<SetupOp> _ops = new(320);
    private readonly List<OpInfo> _info = new(320);
    private readonly List<long> _slotInit = new(96);
    private readonly List<string> _slotNames = new(96);
    private readonly NativeArena _arena = new(512);
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

    public Arg StrArg(string s) => Arg.CStr(Str(s));

    public byte* Bytes(ReadOnlySpan<byte> bytes) => _arena.Bytes(bytes);

    public T* New<T>() where T : unmanaged => (T*)Alloc(sizeof(T));

    public byte* Buffer(int size) => (byte*)Alloc(size);

    /// <summary>A NULL-terminated array of C strings (argv, envp), with room for <paramref name="spare"/> more
    /// entries that a routine may fill in (HOME, say).</summary>
    public byte** StrArray(IReadOnlyList<string> items, int spare = 0) => _arena.StrArray(items, spare);

    public OpRef Syscall(string field, string step, long nr, params ReadOnlySpan<Arg> args) => Emit(OpKind.Syscall, nr, field, step, args);

    /// <summary>A routine of a family: <paramref name="kind"/> is the family's constant for it.</summary>
    public OpRef Routine(int kind, string field, string step, params ReadOnlySpan<Arg> args) => Emit(kind, 0, field, step, args);

    private OpRef Emit(int kind, long nr, string field, string step, ReadOnlySpan<Arg> args)
    {
        if (State != null) throw new InvalidOperationException("the program is sealed");
        if (args.Length > SetupOp.ArgCount) throw new ArgumentException("too many arguments", nameof(args));
        var op = new SetupOp { Kind = kind, Nr = nr, Out = -1 };
        int strings = 0;
        string?[]? shown = null;
        for (int i = 0; i < args.Length; i++)
        {
            op.Args[i] = args[i].Value;
            if (args[i].IsSlot) op.SlotMask |= 1 << i;
            if (args[i].IsString) strings |= 1 << i;
            if (args[i].Shown is { } name) (shown ??= new string?[args.Length])[i] = name;
        }
        _ops.Add(op);
        _info.Add(new OpInfo(this, _ops.Count - 1, field, step, kind, nr, args.Length, strings, shown));
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

    /// <summary>The operation at <paramref name="index"/>, changed in place by OpRef's modifiers.</summary>
    internal ref SetupOp Op(int index) => ref CollectionsMarshal.AsSpan(_ops)[index];
    internal OpInfo InfoAt(int index) => _info[index];

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
    public OpRef Into(int slot) { program.Op(index).Out = slot; return this; }

    /// <summary>-<paramref name="errno"/> is an answer, not a failure (it goes into the Out slot).</summary>
    public OpRef Tolerate(params int[] errnos)
    {
        foreach (int e in errnos)
        {
            if (e <= 0 || e >= 64) throw new ArgumentOutOfRangeException(nameof(errnos), "only errnos 1-63");
            program.Op(index).Tolerated |= 1UL << e;
        }
        return this;
    }

    /// <summary>Runs only if <paramref name="slot"/> holds non-zero.</summary>
    public OpRef When(int slot) { program.Op(index).Cond = slot + 1; return this; }

    /// <summary>Runs only if <paramref name="slot"/> holds zero.</summary>
    public OpRef Unless(int slot) { program.Op(index).Cond = -(slot + 1); return this; }

    /// <summary>Words for the routine's detail value in the one-line error.</summary>
    public OpRef Words(Func<int, int, string> words) { program.InfoAt(index).Words = words; return this; }
}
