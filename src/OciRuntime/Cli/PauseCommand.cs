using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.State;

namespace OciRuntime.Cli;

/// <summary>`pause` and `resume`: the freezer (v1) or cgroup.freeze (v2), from the state each needs.</summary>
internal static class PauseCommand
{
    internal static Command Build(GlobalOptionSet globals) =>
        Freezer(globals, "pause", "pause suspends all processes inside the container", Operation.Pause, cg => cg.Freeze());

    internal static Command BuildResume(GlobalOptionSet globals) =>
        Freezer(globals, "resume", "resumes all processes that have been previously paused", Operation.Resume, cg => cg.Thaw());

    private static Command Freezer(GlobalOptionSet globals, string name, string description, Operation op, Action<ICgroupManager> act)
    {
        var c = new Command(name, description);
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            using var container = Container.Open(g.Store(), r.GetValue(id)!, locked: true);
            container.Require(op);
            act(container.Cgroup);
            return 0;
        });
        return c;
    }
}
