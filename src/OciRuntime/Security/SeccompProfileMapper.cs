using OciSpec;
using Seccomp;

namespace OciRuntime.Security;

/// <summary>linux.seccomp (the spec's strings) to the compiler's typed profile, naming the JSON path of a bad value.</summary>
internal static class SeccompProfileMapper
{
    /// <param name="path">JSON path of the object, with its trailing dot ("" for a profile file on its own).</param>
    internal static SeccompProfile Map(LinuxSeccomp s, string path = "linux.seccomp.")
    {
        var rules = new List<SeccompRule>();
        var syscalls = s.Syscalls ?? [];
        for (int i = 0; i < syscalls.Count; i++)
        {
            var sc = syscalls[i];
            var args = new List<ArgCondition>();
            var specArgs = sc.Args ?? [];
            for (int j = 0; j < specArgs.Count; j++)
            {
                var a = specArgs[j];
                if (!Seccomp.SeccompNames.TryParseOp(a.Op, out var op))
                    throw new RuntimeError($"{path}syscalls[{i}].args[{j}].op: unknown operator \"{a.Op}\"");
                args.Add(new ArgCondition(a.Index, a.Value, a.ValueTwo, op));
            }
            rules.Add(new SeccompRule(sc.Names ?? [], Action(sc.Action, $"{path}syscalls[{i}].action"), sc.ErrnoRet, args));
        }
        return new SeccompProfile(Action(s.DefaultAction, $"{path}defaultAction"), s.DefaultErrnoRet,
            s.Architectures ?? [], s.Flags ?? [], rules);
    }

    private static SeccompAction Action(string name, string path) =>
        Seccomp.SeccompNames.TryParseAction(name, out var a) ? a : throw new RuntimeError($"{path}: unknown action \"{name}\"");
}
