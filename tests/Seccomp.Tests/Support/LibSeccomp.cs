using System.Runtime.InteropServices;
using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>
/// The reference implementation: Debian's libseccomp.so.2, loaded only by the tests, driven through its C
/// API to build the same filter so that both programs can be run side by side in the interpreter.
/// </summary>
public sealed unsafe class LibSeccomp : IDisposable
{
    // enum scmp_filter_attr
    public const int AttrActBadArch = 2;
    public const int AttrCtlOptimize = 8;
    // SCMP_ARCH_* tokens (x32 has a token of its own, unlike AUDIT_ARCH).
    public const uint ArchNative = 0;
    public const uint ArchX86_64 = 0xC000003E, ArchX86 = 0x40000003, ArchX32 = 0x4000003E, ArchAarch64 = 0xC00000B7, ArchArm = 0x40000028;

    [StructLayout(LayoutKind.Sequential)]
    public struct ArgCmp
    {
        public uint Arg;
        public int Op;      // enum scmp_compare: NE=1 ... MASKED_EQ=7
        public ulong DatumA;
        public ulong DatumB;
    }

    private static readonly Lazy<IntPtr> Lib = new(() => NativeLibrary.Load("libseccomp.so.2"));
    private static IntPtr Fn(string name) => NativeLibrary.GetExport(Lib.Value, name);

    private IntPtr _ctx;

    public LibSeccomp(uint defaultAction)
    {
        _ctx = ((delegate* unmanaged<uint, IntPtr>)Fn("seccomp_init"))(defaultAction);
        if (_ctx == IntPtr.Zero) throw new InvalidOperationException("seccomp_init failed");
        Check(SetAttr(AttrCtlOptimize, 2), "optimize=2");
    }

    public static uint Token(SeccompArch arch) => arch switch
    {
        SeccompArch.X86_64 => ArchX86_64,
        SeccompArch.X86 => ArchX86,
        SeccompArch.X32 => ArchX32,
        SeccompArch.Aarch64 => ArchAarch64,
        SeccompArch.Arm => ArchArm,
        _ => throw new ArgumentOutOfRangeException(nameof(arch)),
    };

    public int SetAttr(int attr, uint value) => ((delegate* unmanaged<IntPtr, int, uint, int>)Fn("seccomp_attr_set"))(_ctx, attr, value);
    public int ArchAdd(uint token) => ((delegate* unmanaged<IntPtr, uint, int>)Fn("seccomp_arch_add"))(_ctx, token);
    public int ArchRemove(uint token) => ((delegate* unmanaged<IntPtr, uint, int>)Fn("seccomp_arch_remove"))(_ctx, token);

    /// <summary>Leaves exactly these arches in the filter (seccomp_init put the native one there).</summary>
    public void SetArches(params uint[] tokens)
    {
        foreach (var t in tokens) { int rc = ArchAdd(t); if (rc != 0 && rc != -17) Check(rc, $"arch_add {t:x}"); }
        if (!tokens.Contains(ArchX86_64)) Check(ArchRemove(ArchNative), "arch_remove native");
    }

    public int RuleAddExact(uint action, int syscall, ArgCmp[] args)
    {
        fixed (ArgCmp* p = args)
            return ((delegate* unmanaged<IntPtr, uint, int, uint, ArgCmp*, int>)Fn("seccomp_rule_add_exact_array"))(_ctx, action, syscall, (uint)args.Length, p);
    }

    public int RuleAdd(uint action, int syscall, ArgCmp[] args)
    {
        fixed (ArgCmp* p = args)
            return ((delegate* unmanaged<IntPtr, uint, int, uint, ArgCmp*, int>)Fn("seccomp_rule_add_array"))(_ctx, action, syscall, (uint)args.Length, p);
    }

    public static int ResolveName(uint archToken, string name)
    {
        var s = Marshal.StringToHGlobalAnsi(name);
        try { return ((delegate* unmanaged<uint, IntPtr, int>)Fn("seccomp_syscall_resolve_name_arch"))(archToken, s); }
        finally { Marshal.FreeHGlobal(s); }
    }

    public static ArgCmp[] Args(IEnumerable<ArgCondition> conds) =>
        conds.Select(c => new ArgCmp { Arg = c.Index, Op = (int)c.Op + 1, DatumA = c.Value, DatumB = c.ValueTwo }).ToArray();

    /// <summary>seccomp_export_bpf into a memfd (libseccomp 2.5.4 has no seccomp_export_bpf_mem).</summary>
    public SockFilter[] Export()
    {
        int fd = memfd_create("libseccomp-export", 0);
        if (fd < 0) throw new InvalidOperationException("memfd_create failed");
        try
        {
            Check(((delegate* unmanaged<IntPtr, int, int>)Fn("seccomp_export_bpf"))(_ctx, fd), "export_bpf");
            var bytes = File.ReadAllBytes($"/proc/self/fd/{fd}");
            return MemoryMarshal.Cast<byte, SockFilter>(bytes).ToArray();
        }
        finally { close(fd); }
    }

    private static void Check(int rc, string what)
    {
        if (rc < 0) throw new InvalidOperationException($"libseccomp {what}: {rc}");
    }

    public void Dispose()
    {
        if (_ctx != IntPtr.Zero) ((delegate* unmanaged<IntPtr, void>)Fn("seccomp_release"))(_ctx);
        _ctx = IntPtr.Zero;
    }

    [DllImport("libc", SetLastError = true)] private static extern int memfd_create(string name, uint flags);
    [DllImport("libc")] private static extern int close(int fd);
}
