using Seccomp;

namespace Seccomp.Tests.Support;

/// <summary>Program size and instructions evaluated per syscall (arguments zero).</summary>
public sealed record Figures(int Total, double Average, int Worst, string WorstSyscall)
{
    public static Figures Of(SockFilter[] program, SeccompArch arch)
    {
        uint audit = AuditArch.Of(arch);
        long sum = 0;
        int n = 0, worst = 0;
        string worstName = "";
        foreach (var (name, nr) in SyscallTables.Entries(arch).DistinctBy(e => e.Nr))
        {
            BpfInterpreter.Run(program, SeccompInput.Of(audit, (uint)nr), out int steps);
            sum += steps;
            n++;
            if (steps > worst) { worst = steps; worstName = name; }
        }
        return new Figures(program.Length, (double)sum / n, worst, worstName);
    }

    public override string ToString() => $"{Total} instructions, {Average:F2} evaluated on average, {Worst} at worst ({WorstSyscall})";
}

/// <summary>libseccomp's whole filter for a profile, built the way runc builds it.</summary>
public static class RuncStyle
{
    public static SockFilter[] Build(SeccompProfile profile, int optimize = 2)
    {
        uint def = Reference.RetOf(profile.DefaultAction, profile.DefaultErrnoRet);
        using var lib = new LibSeccomp(def);
        if (optimize != 2) lib.SetAttr(LibSeccomp.AttrCtlOptimize, (uint)optimize);
        foreach (var a in profile.Architectures)
            if (SeccompNames.TryParseArch(a, out var arch)) lib.ArchAdd(LibSeccomp.Token(arch));
        foreach (var rule in profile.Syscalls)
        {
            uint ret = Reference.RetOf(rule.Action, rule.ErrnoRet);
            if (ret == def) continue;
            foreach (var name in rule.Names)
            {
                // runc resolves names on the native arch (libseccomp pseudo numbers included) and skips unknown ones.
                int nr = LibSeccomp.ResolveName(LibSeccomp.ArchNative, name);
                if (nr == -1) continue;
                lib.RuleAdd(ret, nr, LibSeccomp.Args(rule.Args));
            }
        }
        return lib.Export();
    }
}
