using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using OciRuntime.Cgroups;
using OciRuntime.State;

namespace OciRuntime.Cli;

internal static class PsCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("ps", "ps displays the processes running inside a container");
        var id = new Argument<string>("container-id");
        var psArgs = new Argument<string[]>("ps-options") { Arity = ArgumentArity.ZeroOrMore, Description = "options for ps(1) (default -ef)" };
        var format = new Option<string>("--format", "-f") { DefaultValueFactory = _ => "table", Description = "select one of: table or json" };
        format.AcceptOnlyFromAmong("table", "json");
        c.Add(id); c.Add(psArgs); c.Add(format);
        // `ocirun ps ID -ef`: ps's own options pass through as runc does.
        c.TreatUnmatchedTokensAsErrors = false;
        c.SetHandler(globals, (r, g, _) =>
        {
            using var container = Container.Open(g.Store(), r.GetValue(id)!);
            container.Require(Operation.Ps);
            var pids = container.Cgroup.Pids().Distinct().Order().ToList();
            if (r.GetValue(format) == "json")
            {
                Console.Out.Write(JsonSerializer.Serialize(pids, CgroupJsonContext.Default.ListInt32) + "\n");
                return 0;
            }
            var args = (r.GetValue(psArgs) ?? []).Concat(r.UnmatchedTokens).ToList();
            if (args.Count == 0) args.Add("-ef");
            Console.Out.Write(Table(RunPs(args), pids));
            return 0;
        });
        return c;
    }

    private static string RunPs(List<string> args)
    {
        var psi = new ProcessStartInfo("ps") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new RuntimeError("ps: cannot start ps(1)");
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new RuntimeError($"ps {string.Join(' ', args)}: exit {p.ExitCode}: {err.Result.Trim()}");
        return output;
    }

    /// <summary>The header, then the lines whose PID column is one of <paramref name="pids"/>.</summary>
    internal static string Table(string psOutput, IReadOnlyCollection<int> pids)
    {
        var lines = psOutput.Split('\n');
        int pidIndex = Array.IndexOf(lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries), "PID");
        if (pidIndex < 0) throw new RuntimeError("ps: no PID column in the output of ps(1) (give it -o pid,...)");
        var o = new StringBuilder(lines[0]).Append('\n');
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > pidIndex && int.TryParse(f[pidIndex], out int pid) && pids.Contains(pid)) o.Append(line).Append('\n');
        }
        return o.ToString();
    }
}
