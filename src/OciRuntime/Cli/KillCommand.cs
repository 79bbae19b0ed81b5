using System.CommandLine;
using OciRuntime.Launch;

namespace OciRuntime.Cli;

internal static class KillCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("kill", "kill sends the specified signal (default: SIGTERM) to the container's init process");
        var id = new Argument<string>("container-id");
        var signal = new Argument<string>("signal") { DefaultValueFactory = _ => "SIGTERM", Description = "signal name or number" };
        var all = new Option<bool>("--all", "-a") { Description = "send the signal to all processes inside the container" };
        c.Add(id); c.Add(signal); c.Add(all);
        c.SetHandler(globals, (r, g, _) =>
        {
            new ContainerSignaller(g.Store()).Kill(r.GetValue(id)!, SignalNames.Parse(r.GetValue(signal)!), r.GetValue(all));
            return 0;
        });
        return c;
    }
}
