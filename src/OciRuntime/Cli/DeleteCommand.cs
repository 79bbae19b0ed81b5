using System.CommandLine;
using OciRuntime.Launch;

namespace OciRuntime.Cli;

internal static class DeleteCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("delete", "delete any resources held by the container");
        var id = new Argument<string>("container-id");
        var force = new Option<bool>("--force", "-f") { Description = "forcibly delete the container if it is still running (uses SIGKILL)" };
        c.Add(id); c.Add(force);
        c.SetHandler(globals, (r, g, _) =>
        {
            new ContainerDeleter(g.Store()).Delete(r.GetValue(id)!, r.GetValue(force), Console.Error);
            return 0;
        });
        return c;
    }
}
