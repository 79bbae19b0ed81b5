using System.CommandLine;
using OciRuntime.Launch;

namespace OciRuntime.Cli;

internal static class StartCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("start", "executes the user defined process in a created container");
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, timer) =>
        {
            new ContainerStarter(g.Store(), timer).Start(r.GetValue(id)!, Console.Error);
            return 0;
        });
        return c;
    }
}
