using Seccomp.Tests.Support;
using Xunit.Abstractions;
namespace Seccomp.Tests;
public class DebugDump(ITestOutputHelper output)
{
    [Fact]
    public void Dump()
    {
        var seed = int.Parse(Environment.GetEnvironmentVariable("DUMP_SEED") ?? "-1");
        if (seed < 0) return;
        var p = RandomProfiles.Make(seed);
        output.WriteLine(string.Join(",", p.Architectures) + " default " + p.DefaultAction + " " + p.DefaultErrnoRet);
        foreach (var r in p.Syscalls) output.WriteLine($"{string.Join(",", r.Names)} {r.Action} {r.ErrnoRet} [{string.Join(" & ", r.Args.Select(a => $"a{a.Index} {a.Op} {a.Value:x} {a.ValueTwo:x}"))}]");
        output.WriteLine(BpfText.Disassemble(SeccompCompiler.Compile(p).Program));
        output.WriteLine(BpfText.Disassemble(Comparison.BuildLibseccomp(p, Enum.Parse<SeccompArch>(Environment.GetEnvironmentVariable("DUMP_ARCH") ?? "X86_64"), Reference.RetOf(p.DefaultAction, p.DefaultErrnoRet), null, out _)));
    }
}
