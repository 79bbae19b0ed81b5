using System.CommandLine;
using System.Text.Json;
using OciRuntime.Cgroups;
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
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            var store = g.Store();
            var view = Describe(store, store.Load(cid));
            var opts = new JsonSerializerOptions(RuntimeJsonContext.Default.Options) { WriteIndented = true };
            Console.Out.WriteLine(JsonSerializer.Serialize(view, new RuntimeJsonContext(opts).StateView));
            return 0;
        });
        return c;
    }

    internal static StateView Describe(StateStore store, ContainerRecord rec) =>
        StateView.Of(rec, StatusProbe.Probe(store, rec, () => CgroupManagerFactory.Create(rec.CgroupPath, rec.Id)));
}
