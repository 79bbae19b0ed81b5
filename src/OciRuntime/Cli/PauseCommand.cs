using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.State;

namespace OciRuntime.Cli;

internal static class PauseCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("pause", "pause suspends all processes inside the container");
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            var store = g.Store();
            using var lck = store.Lock(cid);
            var cc = ContainerCgroup.Open(store, cid);
            if (cc.Status is not (LifecycleStatus.Running or LifecycleStatus.Created))
                throw new RuntimeError($"container {cid} is not running ({cc.Status.ToSpec()})");
            cc.Cgroup.Freeze();
            return 0;
        });
        return c;
    }
}
