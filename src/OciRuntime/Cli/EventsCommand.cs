using System.CommandLine;
using System.Text.Json;
using OciRuntime.Cgroups;
using OciRuntime.Interop;
using OciRuntime.State;

namespace OciRuntime.Cli;

/// <summary>
/// `events`: runc's JSON lines. `--stats` prints one stats event; otherwise a stats event every --interval and an
/// `oom` event as soon as the OOM killer acts in the container's cgroup, until the container stops.
/// </summary>
internal static class EventsCommand
{
    internal static Command Build(GlobalOptionSet globals)
    {
        var c = new Command("events", "display container events such as OOM notifications, cpu, memory, and IO usage statistics");
        var id = new Argument<string>("container-id");
        var interval = new Option<string>("--interval") { DefaultValueFactory = _ => "5s", Description = "set the stats collection interval" };
        var stats = new Option<bool>("--stats") { Description = "display the container's stats then exit" };
        c.Add(id); c.Add(interval); c.Add(stats);
        c.SetHandler(globals, (r, g, _) =>
        {
            var every = ResourceUpdate.ParseDuration(r.GetValue(interval)!, "--interval");
            using var container = Container.Open(g.Store(), r.GetValue(id)!);
            container.Require(Operation.Events);
            if (r.GetValue(stats))
            {
                Emit(new CgroupEvent { Type = "stats", Id = container.Id, Data = container.Cgroup.Stats() });
                return 0;
            }
            Stream(container, every);
            return 0;
        });
        return c;
    }

    private static void Emit(CgroupEvent e)
    {
        Console.Out.Write(JsonSerializer.Serialize(e, CgroupJsonContext.Default.CgroupEvent) + "\n");
        Console.Out.Flush();
    }

    private static void Stream(Container cc, TimeSpan every)
    {
        string id = cc.Id;
        using var oom = cc.Cgroup.WatchOom();
        var next = DateTime.UtcNow;
        while (true)
        {
            var now = DateTime.UtcNow;
            if (now >= next)
            {
                if (cc.Reprobe() == LifecycleStatus.Stopped || !cc.Cgroup.Exists())
                {
                    if (oom is not null && oom.Check(out _)) Emit(new CgroupEvent { Type = "oom", Id = id });
                    return;
                }
                Emit(new CgroupEvent { Type = "stats", Id = id, Data = cc.Cgroup.Stats() });
                next = now + every;
            }
            int wait = (int)Math.Clamp((next - DateTime.UtcNow).TotalMilliseconds, 0, int.MaxValue);
            if (oom is null)
            {
                Thread.Sleep(wait);
                continue;
            }
            Span<Sys.PollFd> fds = [new Sys.PollFd { Fd = oom.Fd, Events = Sys.POLLIN }];
            if (Sys.TryPoll(fds, wait) > 0 && oom.Check(out _))
                Emit(new CgroupEvent { Type = "oom", Id = id });
        }
    }
}
