using System.Buffers.Binary;
using OciRuntime.Interop;

namespace OciRuntime.Cgroups;

/// <summary>
/// The cgroup v2 device controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE). We assemble it ourselves from
/// the emulated v1 rules: one block per exception (type, access subset, major, minor → return its verdict), then the
/// default verdict. Context: struct bpf_cgroup_dev_ctx { u32 access_type (access &lt;&lt; 16 | type); u32 major; u32 minor; }.
/// </summary>
internal static class DeviceFilter
{
    internal readonly record struct Insn(byte Code, byte Dst, byte Src, short Off, int Imm);

    // Opcodes (linux/bpf.h): class | size/op | source.
    private const byte LdxMemW = 0x61;     // BPF_LDX | BPF_MEM | BPF_W
    private const byte Alu32AndK = 0x54;   // BPF_ALU | BPF_AND | BPF_K
    private const byte Alu32RshK = 0x74;   // BPF_ALU | BPF_RSH | BPF_K
    private const byte Alu32MovK = 0xb4;   // BPF_ALU | BPF_MOV | BPF_K
    private const byte Alu32MovX = 0xbc;   // BPF_ALU | BPF_MOV | BPF_X
    private const byte JneK = 0x55;        // BPF_JMP | BPF_JNE | BPF_K
    private const byte JneX = 0x5d;        // BPF_JMP | BPF_JNE | BPF_X
    private const byte Exit = 0x95;        // BPF_JMP | BPF_EXIT

    internal const int DevBlock = 1, DevChar = 2; // BPF_DEVCG_DEV_*

    internal static List<Insn> Assemble(DeviceEmulator emu)
    {
        var p = new List<Insn>
        {
            new(LdxMemW, 2, 1, 0, 0), new(Alu32AndK, 2, 0, 0, 0xffff), // r2 = type
            new(LdxMemW, 3, 1, 0, 0), new(Alu32RshK, 3, 0, 0, 16),      // r3 = access
            new(LdxMemW, 4, 1, 4, 0),                                    // r4 = major
            new(LdxMemW, 5, 1, 8, 0),                                    // r5 = minor
        };
        foreach (var e in emu.Exceptions)
        {
            var checks = new List<Insn>();
            checks.Add(new(JneK, 2, 0, 0, e.Type == 'b' ? DevBlock : DevChar));
            if (e.Access != DevAccess.All)
            {
                // (access & allowed) != access → next rule
                checks.Add(new(Alu32MovX, 1, 3, 0, 0));
                checks.Add(new(Alu32AndK, 1, 0, 0, (int)e.Access));
                checks.Add(new(JneX, 1, 3, 0, 0));
            }
            if (e.Major != DeviceRule.Wildcard) checks.Add(new(JneK, 4, 0, 0, checked((int)e.Major)));
            if (e.Minor != DeviceRule.Wildcard) checks.Add(new(JneK, 5, 0, 0, checked((int)e.Minor)));
            int blockLen = checks.Count + 2;
            for (int i = 0; i < checks.Count; i++)
                if (checks[i].Code is JneK or JneX) checks[i] = checks[i] with { Off = (short)(blockLen - i - 1) };
            p.AddRange(checks);
            p.Add(new(Alu32MovK, 0, 0, 0, e.Allow ? 1 : 0));
            p.Add(new(Exit, 0, 0, 0, 0));
        }
        p.Add(new(Alu32MovK, 0, 0, 0, emu.DefaultAllow ? 1 : 0));
        p.Add(new(Exit, 0, 0, 0, 0));
        return p;
    }

    internal static byte[] Encode(IReadOnlyList<Insn> prog)
    {
        var bytes = new byte[prog.Count * 8];
        for (int i = 0; i < prog.Count; i++)
        {
            var s = bytes.AsSpan(i * 8, 8);
            s[0] = prog[i].Code;
            s[1] = (byte)((prog[i].Src << 4) | (prog[i].Dst & 0xf));
            BinaryPrimitives.WriteInt16LittleEndian(s[2..], prog[i].Off);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], prog[i].Imm);
        }
        return bytes;
    }

    /// <summary>Runs the program on one request (tests use it to check the assembler against the emulator).</summary>
    internal static bool Evaluate(IReadOnlyList<Insn> prog, int type, DevAccess access, uint major, uint minor)
    {
        var reg = new ulong[11];
        uint[] ctx = [(uint)((int)access << 16 | type), major, minor];
        for (int pc = 0; pc < prog.Count; pc++)
        {
            var i = prog[pc];
            switch (i.Code)
            {
                case LdxMemW: reg[i.Dst] = ctx[i.Off / 4]; break;
                case Alu32AndK: reg[i.Dst] = (uint)reg[i.Dst] & (uint)i.Imm; break;
                case Alu32RshK: reg[i.Dst] = (uint)reg[i.Dst] >> i.Imm; break;
                case Alu32MovK: reg[i.Dst] = (uint)i.Imm; break;
                case Alu32MovX: reg[i.Dst] = (uint)reg[i.Src]; break;
                case JneK: if (reg[i.Dst] != (ulong)(long)i.Imm) pc += i.Off; break;
                case JneX: if (reg[i.Dst] != reg[i.Src]) pc += i.Off; break;
                case Exit: return reg[0] != 0;
                default: throw new InvalidOperationException($"opcode {i.Code:x2}");
            }
        }
        throw new InvalidOperationException("fell off the program");
    }

    /// <summary>
    /// Loads the program and attaches it to the cgroup directory (BPF_F_ALLOW_MULTI), then detaches whatever
    /// device programs were attached there before, so an update never leaves a moment without a filter.
    /// </summary>
    internal static void Attach(string cgroupDir, DeviceEmulator emu)
    {
        const string field = "linux.resources.devices";
        var code = Encode(Assemble(emu));
        using var dir = OwnedFd.Check(Sys.TryOpenAt(Sys.AT_FDCWD, cgroupDir, Sys.O_RDONLY | Sys.O_DIRECTORY), $"open {cgroupDir}");
        Span<uint> ids = stackalloc uint[64];
        long q = Sys.TryBpfQuery(dir.Fd, Sys.BPF_CGROUP_DEVICE, ids, out int count);
        var old = q < 0 ? [] : ids[..Math.Min(count, ids.Length)].ToArray();
        long loaded = Sys.TryBpfLoadDeviceProgram(code, out string log);
        if (loaded < 0)
            throw new RuntimeError($"{field}: bpf BPF_PROG_LOAD of the device filter: {SyscallException.Describe((int)-loaded)}{(log.Length > 0 ? " (" + log.Split('\n')[^1] + ")" : "")}");
        using (var prog = new OwnedFd(loaded))
        {
            long r = Sys.TryBpfAttach(dir.Fd, prog.Fd, Sys.BPF_CGROUP_DEVICE, Sys.BPF_F_ALLOW_MULTI);
            if (r < 0) throw new RuntimeError($"{field}: bpf BPF_PROG_ATTACH to {cgroupDir}: {SyscallException.Describe((int)-r)}");
        }
        foreach (uint id in old)
        {
            using var fd = new OwnedFd(Sys.TryBpfProgFdById(id));
            if (fd.IsOpen) Sys.TryBpfDetach(dir.Fd, fd.Fd, Sys.BPF_CGROUP_DEVICE);
        }
    }
}
