using System.CommandLine;
using OciRuntime.Launch;

namespace OciRuntime.Cli;

internal static class RunCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("run", "create and run a container");
        var f = new CreateCommand.Flags();
        f.AddTo(c);
        var detach = new Option<bool>("--detach", "-d") { Description = "detach from the container's process" };
        var keep = new Option<bool>("--keep") { Description = "do not delete the container after it exits" };
        c.Add(detach); c.Add(keep);
        c.SetHandler(globals, (r, g, timer) =>
            new ContainerRunner(g, g.Store(), timer).Run(f.From(r), r.GetValue(detach), r.GetValue(keep)));
        return c;
    }
}
