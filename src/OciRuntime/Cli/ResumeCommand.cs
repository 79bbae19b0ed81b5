using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.State;

namespace OciRuntime.Cli;

internal static class ResumeCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("resume", "resumes all processes that have been previously paused");
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            var store = g.Store();
            using var lck = store.Lock(cid);
            var cc = ContainerCgroup.Open(store, cid);
            if (cc.Status != LifecycleStatus.Paused)
                throw new RuntimeError($"container {cid} is not paused ({cc.Status.ToSpec()})");
            cc.Cgroup.Thaw();
            return 0;
        });
        return c;
    }
}
