using System.CommandLine;
using OciRuntime.Cgroups;
using OciRuntime.State;

namespace OciRuntime.Cli;

/// <summary>`pause` and `resume`: the freezer (v1) or cgroup.freeze (v2), from the state each needs.</summary>
internal static class PauseCommand
{
    internal static Command Build(GlobalOptionSet globals) =>
        Freezer(globals, "pause", "pause suspends all processes inside the container",
            s => s is LifecycleStatus.Running or LifecycleStatus.Created, (id, s) => new ContainerNotRunning(id, s), cg => cg.Freeze());

    internal static Command BuildResume(GlobalOptionSet globals) =>
        Freezer(globals, "resume", "resumes all processes that have been previously paused",
            s => s == LifecycleStatus.Paused, (id, s) => new ContainerNotPaused(id, s), cg => cg.Thaw());

    private static Command Freezer(GlobalOptionSet globals, string name, string description,
        Func<LifecycleStatus, bool> allowed, Func<string, LifecycleStatus, RuntimeError> refusal, Action<ICgroupManager> act)
    {
        var c = new Command(name, description);
        var id = new Argument<string>("container-id");
        c.Add(id);
        c.SetHandler(globals, (r, g, _) =>
        {
            string cid = r.GetValue(id)!;
            StateStore.ValidateId(cid);
            var store = g.Store();
            using var lck = store.Lock(cid);
            var cc = ContainerCgroup.Open(store, cid);
            // runc's words (ErrNotRunning, ErrNotPaused): conformance/ShimContract.md.
            if (!allowed(cc.Status)) throw refusal(cid, cc.Status);
            act(cc.Cgroup);
            return 0;
        });
        return c;
    }
}
