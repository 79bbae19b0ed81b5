using System.CommandLine;
using OciRuntime.State;

namespace OciRuntime.Cli;

internal static class StateCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("state", "output the state of a container");
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            using var container = Container.Open(g.Store(), r.GetValue(id)!);
            container.Require(Operation.State);
            Console.Out.WriteLine(StateViewJson.Format(container.View(), indented: true));
            return 0;
        });
        return c;
    }
}
