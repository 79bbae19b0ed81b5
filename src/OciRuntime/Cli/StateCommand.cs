using System.CommandLine;
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
            Console.Out.WriteLine(StateViewJson.Format(view, indented: true));
            return 0;
        });
        return c;
    }

    internal static StateView Describe(StateStore store, ContainerRecord rec, int rootFd = -1) =>
        StateView.Of(rec, StatusProbe.Probe(store, rec, () => CgroupManagerFactory.Create(rec.CgroupPath, rec.Id), rootFd));
}
