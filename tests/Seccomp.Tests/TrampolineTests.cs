using Seccomp.Compile;
using Seccomp.Tests.Support;
using static Seccomp.Tests.Support.P;

namespace Seccomp.Tests;

/// <summary>jt/jf are 8 bits: far jumps go through a trampoline (a copied RET, or a JA).</summary>
public class TrampolineTests
{
    [Fact]
    public void FarConditionalJumpsGetTrampolines()
    {
        var asm = new Assembler();
        var far = Insn.Load(0);
        var ret = Insn.Return(0x7fff0000);
        var first = asm.Append(Insn.Cond(Bpf.Op.JeqK, 1, far, ret));
        for (int i = 0; i < 300; i++) asm.Append(Insn.Load(4));
        asm.Append(far);
        asm.Append(Insn.Return(0));
        asm.Append(ret);
        var prog = asm.Assemble(out int trampolines);
        Assert.Equal(2, trampolines);
        // jt goes to a JA, jf to a copy of the RET, both right after the jump.
        Assert.Equal((ushort)0x05, prog[1 + prog[0].Jt].Code);
        Assert.Equal(new SockFilter(0x06, 0, 0, 0x7fff0000), prog[1 + prog[0].Jf]);
        int ja = 1 + prog[0].Jt;
        Assert.Equal(new SockFilter(0x20, 0, 0, 0), prog[ja + 1 + (int)prog[ja].K]);
    }

    [Fact]
    public void LargeProfilesStayCorrectAcrossLongJumps()
    {
        // Every syscall gets its own argument block, so the tree's jumps to them are long.
        var names = SyscallTables.Entries(SeccompArch.X86_64).Select(e => e.Name).Distinct().Take(300).ToArray();
        var rules = names.Select((n, i) => Rule(SeccompAction.Allow, n, Arg(0, CompareOp.Equal, (ulong)i))).ToArray();
        var profile = Profile(SeccompAction.Errno, rules);
        var prog = SeccompCompiler.Compile(profile).Program;
        Assert.True(prog.Length > 1000, $"{prog.Length}");
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(Allow, Run(prog, names[i], (ulong)i));
            Assert.Equal(Eperm, Run(prog, names[i], (ulong)i + 1));
        }
        var report = Comparison.Run(profile, CompileOptions.Default, seed: 3, randomArgVectors: 0);
        Assert.True(report.Failures.Count == 0, string.Join("\n", report.Failures));
    }

    [Fact]
    public void ProgramsOverTheKernelLimitAreRefused()
    {
        var names = SyscallTables.Entries(SeccompArch.X86_64).Select(e => e.Name).Distinct().ToArray();
        var rules = names.SelectMany((n, i) => Enumerable.Range(0, 4).Select(k =>
            Rule(SeccompAction.Allow, n, Arg(0, CompareOp.Equal, (ulong)(i * 10 + k)), Arg(1, CompareOp.NotEqual, 7)))).ToArray();
        var e = Assert.Throws<SeccompException>(() => SeccompCompiler.Compile(Profile(SeccompAction.Errno, rules)));
        Assert.Contains("4096", e.Message);
    }
}
